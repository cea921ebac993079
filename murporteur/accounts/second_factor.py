"""The second factor: a code from an authenticator app (TOTP, RFC 6238) after the password.

- Required for animators and admins, offered to committee members (required for them too
  when REQUIRE_2FA_FOR_MEMBERS is set); holders log in by links sent to their address and
  have no password to complete.
- Enrolment: a secret is drawn and shown once (QR code and text); it is in force only when a
  code made from it has been typed back. Ten single-use recovery codes are then shown once;
  only their SHA-256 digests are kept.
- A code is good once (the last accepted time step is kept) and a wrong one counts: after
  MAX_FAILURES in a row the second step is closed for LOCK_MINUTES, whatever the address
  (the per-address limits of Flask-Limiter apply on top).
- Enrolment, disabling, new recovery codes and the use of a recovery code go to the audit
  trail.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from typing import NoReturn

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from murporteur.accounts.models import RecoveryCode, Role, User
from murporteur.accounts.services import AccountError, check_current_password
from murporteur.audit import services as audit
from murporteur.core.db import utcnow
from murporteur.extensions import db

ISSUER = "Mur porteur"
MAX_FAILURES = 5
LOCK_MINUTES = 15
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


class SecondFactorRefused(AccountError):
    """The code is wrong, already used, or the second step is closed for a while."""


def required_for(user: User) -> bool:
    if user.role in (Role.ANIMATOR, Role.ADMIN):
        return True
    return user.role == Role.MEMBER and current_app.config.get("REQUIRE_2FA_FOR_MEMBERS", False)


def offered_to(user: User) -> bool:
    return user.role != Role.HOLDER


def must_enrol(user: User) -> bool:
    return required_for(user) and not user.has_second_factor


def asks_code(user: User) -> bool:
    """Whether logging in with the password is followed by a second step (a code, or the
    enrolment that cannot be skipped)."""
    return user.has_second_factor or required_for(user)


# --- Enrolment ----------------------------------------------------------------------------

def start_enrolment(user: User) -> str:
    """The secret being enrolled: drawn once, kept until confirmed (a reload shows the same)."""
    if user.has_second_factor:
        raise AccountError(_l("La double authentification est déjà activée."))
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    if not user.totp_secret:
        raise AccountError(_l("Recommencez l'activation depuis votre compte."))
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code(user: User) -> str:
    """The enrolment QR code as a ``data:`` URI of an SVG image (the CSP allows ``data:``
    images; nothing is served from elsewhere and no inline script is needed)."""
    return segno.make(provisioning_uri(user), error="m").svg_data_uri(scale=5, border=2)


def confirm_enrolment(user: User, code: str, *, now: datetime | None = None) -> list[str]:
    """Put the secret in force once ``code`` proves the app has it; the recovery codes to
    show once are returned."""
    now = now or utcnow()
    if user.has_second_factor or not user.totp_secret:
        raise AccountError(_l("Recommencez l'activation depuis votre compte."))
    _check_open(user, now)
    step = _matching_step(user, _digits(code), now)
    if step is None:
        _count_failure(user, now)
    user.totp_enabled_at = now
    user.totp_last_step = step
    user.second_factor_failures = 0
    codes = _new_recovery_codes(user, now)
    audit.record(user, "account.second_factor_enrolled", user, {"at": now})
    return codes


def disable(user: User, password: str, *, now: datetime | None = None) -> None:
    """Remove the second factor (a new phone: enrol again). Where it is required, the next
    page asks for a new enrolment."""
    check_current_password(user, password)
    _clear(user)
    audit.record(user, "account.second_factor_disabled", user, {"at": now or utcnow()})


def reset(user: User, *, now: datetime | None = None) -> None:
    """The operator's way out for someone who lost both the phone and the recovery codes
    (``flask reset-second-factor``): they enrol again at their next login."""
    _clear(user)
    audit.record(None, "account.second_factor_reset", user, {"at": now or utcnow()})


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.second_factor_failures = 0
    user.second_factor_locked_until = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.session_version += 1  # sessions opened with the old factor end


def regenerate_recovery_codes(user: User, password: str, *,
                              now: datetime | None = None) -> list[str]:
    """New recovery codes; the old ones stop working."""
    check_current_password(user, password)
    if not user.has_second_factor:
        raise AccountError(_l("La double authentification n'est pas activée."))
    now = now or utcnow()
    codes = _new_recovery_codes(user, now)
    audit.record(user, "account.recovery_codes_renewed", user, {"at": now})
    return codes


def recovery_codes_left(user: User) -> int:
    return len(list(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))))


# --- The second step of a login -----------------------------------------------------------

def verify(user: User, code: str, *, now: datetime | None = None) -> str:
    """Check the code typed at the second step: six digits from the app, or a recovery code
    (spent). Returns ``"totp"`` or ``"recovery"``; raises ``SecondFactorRefused``, after
    counting the failure (the caller commits it)."""
    now = now or utcnow()
    if not user.has_second_factor:
        raise SecondFactorRefused(_l("La double authentification n'est pas activée."))
    _check_open(user, now)
    digits = _digits(code)
    if len(digits) == 6:
        step = _matching_step(user, digits, now)
        if step is not None:
            user.totp_last_step = step
            user.second_factor_failures = 0
            return "totp"
    else:
        recovery = _unused_recovery_code(user, code)
        if recovery is not None:
            recovery.used_at = now
            user.second_factor_failures = 0
            audit.record(user, "account.recovery_code_used", user, {
                "at": now, "left": recovery_codes_left(user)})
            return "recovery"
    _count_failure(user, now)


def _check_open(user: User, now: datetime) -> None:
    if user.second_factor_locked_until is not None and user.second_factor_locked_until > now:
        raise SecondFactorRefused(_l(
            "Trop de codes erronés : la vérification est suspendue pendant %(n)s minutes. "
            "Réessayez ensuite.", n=LOCK_MINUTES))


def _count_failure(user: User, now: datetime) -> NoReturn:
    user.second_factor_failures = (user.second_factor_failures or 0) + 1
    if user.second_factor_failures >= MAX_FAILURES:
        user.second_factor_failures = 0
        user.second_factor_locked_until = now + timedelta(minutes=LOCK_MINUTES)
        raise SecondFactorRefused(_l(
            "Trop de codes erronés : la vérification est suspendue pendant %(n)s minutes. "
            "Réessayez ensuite.", n=LOCK_MINUTES))
    raise SecondFactorRefused(_l(
        "Ce code n'est pas valide. Tapez les 6 chiffres affichés maintenant par votre "
        "application, ou l'un de vos codes de secours."))


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def _matching_step(user: User, digits: str, now: datetime) -> int | None:
    """The time step ``digits`` belongs to (the current one or a neighbour, for clocks a
    little off), if it is later than the last one accepted."""
    if not re.fullmatch(r"[0-9]{6}", digits) or not user.totp_secret:
        return None
    totp = pyotp.TOTP(user.totp_secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def _recovery_digest(code: str) -> str:
    return hashlib.sha256(_digits(code).lower().encode()).hexdigest()


def _new_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _i in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, digest=_recovery_digest(raw),
                                    created_at=now))
    db.session.flush()
    return codes


def _unused_recovery_code(user: User, code: str) -> RecoveryCode | None:
    if len(_digits(code)) != 10:
        return None
    digest = _recovery_digest(code)
    for candidate in db.session.scalars(select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))):
        if hmac.compare_digest(candidate.digest, digest):
            return candidate
    return None


def enrol_with_secret(user: User, secret: str, *, now: datetime | None = None) -> None:
    """Put a known secret in force without the confirmation step: for the demo's accounts
    (their secret is printed with the demo's passwords) and the test factories."""
    user.totp_secret = secret
    user.totp_enabled_at = now or utcnow()
    user.totp_last_step = None
    db.session.flush()


def try_code(user: User, code: str) -> tuple[str | None, SecondFactorRefused | None]:
    """``verify`` as an answer rather than an exception: the kind of code, or the refusal.
    A refusal has counted the failure, which the caller commits although it refuses."""
    try:
        return verify(user, code), None
    except SecondFactorRefused as exc:
        return None, exc


def try_enrolment(user: User, code: str) -> tuple[list[str] | None, SecondFactorRefused | None]:
    """``confirm_enrolment`` as an answer: the recovery codes, or the refusal (counted)."""
    try:
        return confirm_enrolment(user, code), None
    except SecondFactorRefused as exc:
        return None, exc
