"""``gl-cs serve``: the webhook service (receiver, journal, worker, metrics) and
``gl-cs hooks install``. See the README, "The webhook service"."""
