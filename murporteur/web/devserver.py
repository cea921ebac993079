"""The demo's web server (``scripts/demo``): werkzeug's, on 127.0.0.1 and ``PORT`` (5000),
without a line per request nor the "development server" warning, so that what the console
shows is what matters: the logins, the mails the demo would send with their links, errors."""

from __future__ import annotations

import logging
import os
import sys


def main() -> None:
    raw = os.environ.get("PORT", "5000")
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        sys.exit(f"PORT must be a port number (1-65535), not {raw!r}")
    # Before werkzeug's first line: it then keeps this level (errors still show).
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from werkzeug.serving import run_simple

    from murporteur import create_app

    run_simple("127.0.0.1", int(raw), create_app(), threaded=True)


if __name__ == "__main__":
    main()
