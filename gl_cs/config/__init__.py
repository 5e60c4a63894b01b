"""rules.yml: schema, loading with line-numbered errors, and the Config model."""

from .load import ConfigError, load_config, parse_config
from .model import Config, FieldSpec, WorkflowState

__all__ = ["Config", "ConfigError", "FieldSpec", "WorkflowState", "load_config", "parse_config"]
