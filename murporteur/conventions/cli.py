"""``flask conventions verify FILE``: whether a PDF bears this platform's intact seal."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from murporteur.conventions import seal

conventions_cli = AppGroup("conventions", help="Conventions signées : vérification du cachet.")


@conventions_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_command(path: Path) -> None:
    """Check the seal of the PDF at PATH; exits 1 when it is missing, altered or not ours."""
    verdict = seal.verify(path.read_bytes())
    if verdict.valid:
        click.echo(f"Cachet valide : {verdict.signer}, apposé le "
                   f"{verdict.signed_at:%Y-%m-%d %H:%M:%S %Z}." if verdict.signed_at
                   else f"Cachet valide : {verdict.signer}.")
        return
    for problem in verdict.problems:
        click.echo(f"Cachet non valide : {problem}", err=True)
    raise SystemExit(1)
