"""Which GitLab and which token a run uses, from the places people already keep them.

The order (the first that gives a value wins; README "Tokens and where gl-cs finds them"):

URL: ``--gitlab-url``, ``GITLAB_URL``, the python-gitlab.cfg section, ``CI_SERVER_URL``.

Token: ``--token``, ``GITLAB_TOKEN``, ``GITLAB_PRIVATE_TOKEN`` (python-gitlab's CLI), the
python-gitlab.cfg section's ``private_token`` (or ``job_token``), ``CI_JOB_TOKEN``.

python-gitlab.cfg is read as python-gitlab's own CLI reads it: the file named by
``PYTHON_GITLAB_CFG``, else ``/etc/python-gitlab.cfg`` and ``~/.python-gitlab.cfg``; the
section named by ``--gitlab NAME`` (``GL_CS_GITLAB``), else ``[global] default``. Its
``helper:`` commands work too (python-gitlab runs them).

A token is only ever sent to the GitLab it belongs to: a token from a python-gitlab.cfg
section is used only when the URL in force is that section's URL, and ``CI_JOB_TOKEN``
only when it is ``CI_SERVER_URL`` (the instance that issued it).

A CI/CD job token can only read, and only what GitLab lets job tokens read: gl-cs uses
it for the commands that write nothing and says plainly that a write needs a real token.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

SYSTEM_CFG = "/etc/python-gitlab.cfg"


class CredentialsError(Exception):
    """A python-gitlab.cfg that was asked for (``--gitlab NAME``) cannot be used."""


@dataclass(frozen=True)
class Credentials:
    url: str | None
    token: str | None
    #: "private" (a personal, project or group access token, sent as PRIVATE-TOKEN) or
    #: "job" (CI_JOB_TOKEN, sent as JOB-TOKEN: reads only)
    kind: str
    url_source: str | None
    token_source: str | None

    @property
    def read_only(self) -> bool:
        return self.kind == "job"


def cfg_files(env: Mapping[str, str]) -> list[str]:
    """The python-gitlab.cfg files python-gitlab's CLI reads, those that exist."""
    named = env.get("PYTHON_GITLAB_CFG")
    if named:
        return [named]
    home = env.get("HOME")
    user = Path(home) / ".python-gitlab.cfg" if home else Path.home() / ".python-gitlab.cfg"
    return [str(p) for p in (Path(SYSTEM_CFG), user) if p.is_file()]


@dataclass(frozen=True)
class CfgSection:
    name: str
    url: str | None
    private_token: str | None
    job_token: str | None
    files: tuple[str, ...]


def read_cfg(gitlab_id: str | None, env: Mapping[str, str]) -> CfgSection | None:
    """The python-gitlab.cfg section in force, or None when there is none to use. Raises
    :class:`CredentialsError` when ``gitlab_id`` was asked for and cannot be read."""
    import gitlab.config

    files = cfg_files(env)
    if not files:
        if gitlab_id:
            raise CredentialsError(f"--gitlab {gitlab_id}: no python-gitlab.cfg found (PYTHON_GITLAB_CFG, "
                                   f"{SYSTEM_CFG} or ~/.python-gitlab.cfg)")
        return None
    try:
        parsed = gitlab.config.GitlabConfigParser(gitlab_id, config_files=files)
    except gitlab.config.GitlabIDError:
        return None  # no --gitlab and no [global] default: the file is for other tools
    except gitlab.config.ConfigError as exc:
        if gitlab_id or env.get("PYTHON_GITLAB_CFG"):
            raise CredentialsError(f"python-gitlab.cfg ({', '.join(files)}): {exc}") from None
        return None
    except Exception as exc:  # configparser's own errors: a file that is not INI
        raise CredentialsError(f"python-gitlab.cfg ({', '.join(files)}) cannot be read: "
                               f"{exc.__class__.__name__}") from None
    return CfgSection(name=str(parsed.gitlab_id), url=parsed.url, private_token=parsed.private_token,
                      job_token=parsed.job_token, files=tuple(files))


def _origin(url: str | None) -> tuple[str, str, int] | None:
    if not url:
        return None
    from .gitlab.adapter import _origin as origin

    return origin(url.rstrip("/"))


def resolve(*, url: str | None, url_source: str | None, token: str | None, token_source: str | None,
            gitlab_id: str | None = None, env: Mapping[str, str] | None = None) -> Credentials:
    """The URL and token in force. ``url``/``token`` are what the command line or gl-cs's
    own variables gave (``url_source``/``token_source`` name where from)."""
    env = os.environ if env is None else env
    cfg = read_cfg(gitlab_id, env) if (gitlab_id or not (url and token)) else None
    cfg_name = f"python-gitlab.cfg [{cfg.name}]" if cfg else None
    if not url and cfg and cfg.url:
        url, url_source = cfg.url, cfg_name
    ci_url = env.get("CI_SERVER_URL") or None
    if not url and ci_url:
        url, url_source = ci_url, "CI_SERVER_URL"
    kind = "private"
    if not token and cfg and _origin(cfg.url) == _origin(url):
        if cfg.private_token:
            token, token_source = cfg.private_token, f"{cfg_name} private_token"
        elif cfg.job_token:
            token, token_source, kind = cfg.job_token, f"{cfg_name} job_token", "job"
    job = env.get("CI_JOB_TOKEN") or None
    if not token and job and (ci_url is None or _origin(ci_url) == _origin(url)):
        token, token_source, kind = job, "CI_JOB_TOKEN", "job"
    return Credentials(url=url, token=token, kind=kind if token else "none", url_source=url_source,
                       token_source=token_source if token else None)


def env_source(names: tuple[str, ...], env: Mapping[str, str] | None = None) -> str | None:
    """Which of ``names`` (click's envvar list) gave the value: the first one set."""
    env = os.environ if env is None else env
    return next((n for n in names if env.get(n)), None)
