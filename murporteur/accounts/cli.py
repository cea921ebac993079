"""``flask --app murporteur create-user`` and ``reset-second-factor``."""

from __future__ import annotations

import getpass

import click
from flask.cli import with_appcontext

from murporteur.accounts import services
from murporteur.accounts.models import Role
from murporteur.extensions import db


@click.command("create-user")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--email", required=True)
@click.option("--organisation", default=None, help="Name of the member's organisation.")
@click.option("--name", "full_name", default="", help="Full name shown in the app.")
@click.option("--password", default=None,
              help="Password (asked for when omitted; holders may go without).")
@with_appcontext
def create_user_command(role: str, email: str, organisation: str | None, full_name: str,
                        password: str | None) -> None:
    """Create a user account."""
    org = None
    if organisation:
        org = services.find_organisation(organisation)
        if org is None:
            raise click.UsageError(f"No organisation named {organisation!r}.")
    if password is None and role != Role.HOLDER.value:
        password = getpass.getpass("Password: ")
    try:
        user = services.create_user(email, Role(role), full_name=full_name, password=password,
                                    organisation=org)
    except services.AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from exc
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}"
               + (f" ({org.name})" if org else ""))


@click.command("reset-second-factor")
@click.option("--email", required=True)
@with_appcontext
def reset_second_factor_command(email: str) -> None:
    """Remove the second factor of someone who lost their phone and their recovery codes:
    they enrol a new one at their next login (animators and admins must)."""
    from murporteur.accounts import second_factor

    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    second_factor.reset(user)
    db.session.commit()
    click.echo(f"Second factor removed for {user.email}: they enrol again at their next login.")


@click.command("first-admin")
@click.option("--email", required=True)
@click.option("--name", "full_name", default="", help="Full name shown in the app.")
@click.option("--password", default=None, help="Password (asked for twice when omitted).")
@with_appcontext
def first_admin_command(email: str, full_name: str, password: str | None) -> None:
    """Create the first admin of a new collective; refused once an admin exists (the admins
    then invite everyone else from the app, "Personnes")."""
    from murporteur.audit.services import record

    if services.admin_exists():
        raise click.ClickException("An admin account already exists: invite the next ones from "
                                   "the app (Administration > Personnes).")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(email, Role.ADMIN, full_name=full_name, password=password)
    except services.AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from exc
    record(None, "user.first_admin_created", user)
    db.session.commit()
    click.echo(f"Created the first admin {user.email}. Log in at /connexion: the second factor "
               "is enrolled at the first login, then the home page lists what to set up.")
