"""``flask --app murporteur audit verify``: check the audit trail's chain."""

from __future__ import annotations

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="The audit trail of sensitive operations.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Chain what is waiting, recompute every digest; exit 1 naming the first broken entry."""
    from murporteur.audit.services import verify
    from murporteur.extensions import db

    count, broken = verify()
    db.session.commit()  # what was waiting has been chained
    if broken is not None:
        click.echo(f"Audit trail BROKEN at entry {broken.entry_id}: {broken.reason} "
                   f"({count} entries before it hold).", err=True)
        raise SystemExit(1)
    click.echo(f"Audit trail intact: {count} entries.")
