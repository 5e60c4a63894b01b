"""Run a seeded sandbox in the foreground: ``python -m gl_cs.sandbox [--port 8080] [--issues 30]``.

Prints the URL, project and token, then serves until interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import time

from .server import Sandbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gl_cs.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--issues", type=int, default=30, help="number of seeded issues")
    args = parser.parse_args(argv)
    sandbox = Sandbox.with_service_desk(n_issues=args.issues, host=args.host, port=args.port)
    info = sandbox.seed_info or {}
    with sandbox:
        print(f"GitLab sandbox at {sandbox.url}")
        print(f"  project: {info.get('project_path')} (id {info.get('project_id')})")
        print(f"  token:   {info.get('token')} (user {info.get('bot_username')})")
        print(f"  browse:  {sandbox.url}/{info.get('project_path')}/-/issues")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
