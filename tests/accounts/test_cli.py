from sqlalchemy import select

from murporteur.accounts.models import Role, User
from murporteur.accounts.services import authenticate
from murporteur.extensions import db
from tests.factories import OrganisationFactory


def test_create_user_makes_a_member_of_an_organisation(app):
    org = OrganisationFactory(name="Dynacité")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--role", "member", "--email", "Claire@Dynacite.example",
        "--organisation", "dynacité", "--password", "une phrase assez longue"])
    assert result.exit_code == 0, result.output
    assert "Created member claire@dynacite.example (Dynacité)" in result.output
    user = db.session.scalar(select(User).where(User.email == "claire@dynacite.example"))
    assert user.role == Role.MEMBER and user.organisation_id == org.id
    assert authenticate("claire@dynacite.example", "une phrase assez longue") is not None


def test_create_user_explains_its_refusals(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--role", "member", "--email", "a@b.example",
                                 "--organisation", "Nulle part", "--password", "x" * 12])
    assert result.exit_code != 0 and "No organisation named" in result.output
    result = runner.invoke(args=["create-user", "--role", "member", "--email", "a@b.example",
                                 "--password", "x" * 12])
    assert result.exit_code != 0 and "organisation" in result.output
    result = runner.invoke(args=["create-user", "--role", "animator", "--email", "a@b.example",
                                 "--password", "court"])
    assert result.exit_code != 0 and "12" in result.output
    result = runner.invoke(args=["create-user", "--role", "wizard", "--email", "a@b.example"])
    assert result.exit_code != 0


def test_create_user_refuses_a_second_account_for_an_address(app):
    runner = app.test_cli_runner()
    args = ["create-user", "--role", "animator", "--email", "anim@cress.example",
            "--password", "une phrase assez longue"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and "existe déjà" in result.output


def test_reset_second_factor_lets_someone_who_lost_everything_enrol_again(app):
    from tests.factories import AnimatorFactory

    animator = AnimatorFactory()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reset-second-factor", "--email",
                                                animator.email.upper()])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not animator.has_second_factor and animator.totp_secret is None
    client = app.test_client()
    response = client.post("/connexion", data={"email": animator.email,
                                               "password": "correct horse battery"})
    assert response.headers["Location"] == "/compte/double-authentification/activer"
    result = app.test_cli_runner().invoke(args=["reset-second-factor", "--email",
                                                "nobody@example.org"])
    assert result.exit_code != 0 and "No account" in result.output
