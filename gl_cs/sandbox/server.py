"""The sandbox's HTTP face: a werkzeug WSGI app speaking GitLab REST API v4.

:class:`SandboxApp` routes ``/api/v4/...`` requests to the :class:`Store`,
renders GitLab-shaped JSON, paginates lists with GitLab's headers
(``x-total``, ``x-next-page``, ``link`` ...), counts every request in a
:class:`RequestCounter` and injects the faults configured in :class:`Faults`.
Routing works on the raw (still URL-encoded) request path so that a project
addressed as ``sa-team%2Fsa-service-desk`` or a label named ``SA%20Doing`` is
one path segment, exactly like GitLab.

:class:`Sandbox` runs the app on a real socket in a background thread::

    with Sandbox(store) as sb:
        gl = gitlab.Gitlab(sb.url, private_token="sandbox-token")
        ...

Outside ``/api/v4`` a tiny read-only HTML view serves the ``web_url`` links
(project issue list and issue pages) so the demo's links open in a browser.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import SandboxApp
from .faults import Faults, RequestCounter
from .rest import API_PREFIX
from .seed import seed_service_desk
from .store import Store

__all__ = ["Sandbox", "SandboxApp"]


class _QuietHandler(WSGIRequestHandler):
    """No access log; remembers open connections so :meth:`Sandbox.stop` can close them."""

    def setup(self) -> None:
        super().setup()
        connections = getattr(self.server, "sandbox_connections", None)
        if connections is not None:
            with self.server.sandbox_lock:
                connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            connections = getattr(self.server, "sandbox_connections", None)
            if connections is not None:
                with self.server.sandbox_lock:
                    connections.discard(self.connection)

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002
        pass


class Sandbox:
    """A GitLab API v4 simulator served over HTTP on a background thread.

    ``Sandbox(store=None, host="127.0.0.1", port=0)`` (port 0 picks a free one);
    :meth:`start` / :meth:`stop` or use it as a context manager. ``url`` is the
    GitLab base URL to give python-gitlab; ``faults`` and ``requests`` are the
    live :class:`Faults` and :class:`RequestCounter`.
    """

    def __init__(self, store: Store | None = None, host: str = "127.0.0.1", port: int = 0,
                 faults: Faults | None = None) -> None:
        self.store = store if store is not None else Store()
        self.host = host
        self.port = port
        self.faults = faults or Faults()
        self.requests = RequestCounter()
        self.app = SandboxApp(self.store, self.faults, self.requests)
        self._server: Any = None
        self._thread: threading.Thread | None = None
        #: Summary returned by the seeder when built with :meth:`with_service_desk`.
        self.seed_info: dict[str, Any] | None = None

    @classmethod
    def with_service_desk(cls, now: Any = None, n_issues: int = 30, **kwargs: Any) -> "Sandbox":
        """A (not yet started) sandbox over a fresh store seeded by
        :func:`~gl_cs.sandbox.seed.seed_service_desk`; the seed's summary is ``.seed_info``."""
        store = Store()
        sandbox = cls(store, **kwargs)
        sandbox.seed_info = seed_service_desk(store, now, n_issues=n_issues)
        return sandbox

    @property
    def url(self) -> str:
        """The GitLab base URL, e.g. ``http://127.0.0.1:54321``."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.url + API_PREFIX

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def deliveries(self):
        """The store's webhook deliveries: ``.flush(timeout)``, ``.records``, ``.events()``."""
        return self.store.deliveries

    @property
    def errors(self) -> list[str]:
        """Tracebacks of internal errors the app answered with 500."""
        return self.app.errors

    def start(self) -> "Sandbox":
        if self.running:
            return self
        server = make_server(self.host, self.port, self.app, threaded=True,
                             request_handler=_QuietHandler)
        server.sandbox_connections = set()
        server.sandbox_lock = threading.Lock()
        self._server = server
        self.port = server.server_port
        if self.store.web_url == "http://gitlab.sandbox":
            self.store.web_url = self.url
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"gl-cs-sandbox-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, drop keep-alive connections, close the socket, join the thread."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        with server.sandbox_lock:
            connections = list(server.sandbox_connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        server.server_close()
        if thread is not None:
            thread.join(timeout=10)
        self.store.deliveries.stop()
        self._server = None
        self._thread = None

    def client(self, token: str = "sandbox-token", **kwargs: Any):
        """A python-gitlab client for this sandbox (imported lazily)."""
        import gitlab

        return gitlab.Gitlab(self.url, private_token=token, **kwargs)

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Sandbox(url={self.url!r}, running={self.running})"
