"""Build a MIME message from a rendered outbox row and deliver it by SMTP or to the log."""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

from murporteur.collective import settings as collective_settings
from murporteur.core.urls import external_url
from murporteur.notifications.catalogue import KIND_OF_KEY

log = logging.getLogger("murporteur.mail")


def build_message(row, subject: str, text: str, html: str,
                  attachments: Sequence[tuple[str, str, bytes]] = ()) -> EmailMessage:
    """The mail of ``row``: text and HTML alternatives, then each ``(filename, mimetype,
    bytes)`` attachment (its mimetype may carry parameters: ``text/calendar; method=REQUEST``,
    which calendars need to offer to accept the invitation)."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = row.recipient_email
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    # The same row always carries the same Message-ID, so that a resend is recognisable.
    domain = current_app.config["MAIL_FROM"].rsplit("@", 1)[-1].rstrip(">").strip() or "localhost"
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}", domain=domain)
    message["Reply-To"] = collective_settings.get("contact_email")
    if row.key in KIND_OF_KEY:
        # A notification its recipient may switch off says where (RFC 2369).
        message["List-Unsubscribe"] = (
            f"<{external_url('notifications.preferences')}>, "
            f"<mailto:{collective_settings.get('contact_email')}?subject=unsubscribe>")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for filename, mimetype, data in attachments:
        ctype, *params = (part.strip() for part in mimetype.split(";"))
        maintype, subtype = ctype.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename,
                               params=dict(p.split("=", 1) for p in params if "=" in p))
    return message


_LINK = re.compile(r"https?://[^\s<>\"')]+")


def logged_mail(message: EmailMessage, text: str) -> str:
    """What the log shows of a mail no server sends (the demo): who, what, its links first
    (to click from the terminal), then its text, between two rules."""
    links = list(dict.fromkeys(link.rstrip(".,;:!?») ") for link in _LINK.findall(text)))
    rule = "─" * 72
    lines = [f"\n{rule}", "MAIL not sent (no MAIL_SERVER), kept in the outbox",
             f"To:      {message['To']}", f"Subject: {message['Subject']}"]
    if links:
        lines.append("Links:")
        lines += [f"  {link}" for link in links]
    lines += ["", text.strip(), rule]
    return "\n".join(lines)


def send(message: EmailMessage) -> str:
    """Deliver ``message``; returns the transport used (``smtp`` or ``log``)."""
    cfg = current_app.config
    if not cfg.get("MAIL_SERVER"):
        body = message.get_body(("plain",))
        log.info("%s", logged_mail(message, body.get_content() if body is not None else ""),
                 extra={"to": message["To"], "subject": message["Subject"]})
        return "log"
    smtp_class = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
        if cfg["MAIL_USE_TLS"] and not cfg["MAIL_USE_SSL"]:
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
    return "smtp"
