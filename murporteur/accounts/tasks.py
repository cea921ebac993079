"""Celery tasks of the accounts domain: the links asked for from the public pages.

The request only hands the address over (``core.celery.hand_over_after_response``): whether
it belongs to an account is decided here, so the page answers alike for every address.
Sending twice is harmless: each run issues its own single-use link.
"""

from __future__ import annotations

from celery import shared_task

from murporteur.accounts import recovery
from murporteur.core.aftercommit import commit


@shared_task(name="murporteur.accounts.send_login_link", ignore_result=True)
def send_login_link(email: str, locale: str | None = None) -> bool:
    sent = recovery.send_login_link_if_known(email, locale) is not None
    commit()
    return sent


@shared_task(name="murporteur.accounts.send_password_reset", ignore_result=True)
def send_password_reset(email: str, locale: str | None = None) -> bool:
    sent = recovery.send_password_reset_if_known(email, locale) is not None
    commit()
    return sent
