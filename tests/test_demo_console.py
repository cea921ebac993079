"""Issue 17, item 12: the demo's console is quiet (no layout steps, no "created by None", no
warnings) and prints the mails it would send clearly, with their links."""

import logging
import subprocess
import sys
from pathlib import Path

from murporteur.notifications.mailer import logged_mail

ROOT = Path(__file__).resolve().parents[1]


def test_seeding_the_demo_logs_nothing_at_info_or_above(app, caplog):
    with caplog.at_level(logging.INFO):
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    noisy = [f"{r.name}: {r.getMessage()}" for r in caplog.records
             if r.levelno >= logging.INFO and r.name != "murporteur.mail"]
    assert noisy == []


def test_a_mail_without_a_server_is_printed_with_its_links_first(app, client, caplog):
    from tests.submissions.test_idea_form import answers

    app.config["MAIL_SERVER"] = None
    with caplog.at_level(logging.INFO, logger="murporteur.mail"):
        client.post("/deposer", data=answers(), content_type="multipart/form-data")
    printed = "\n".join(r.getMessage() for r in caplog.records if r.name == "murporteur.mail")
    assert "To:      amina@example.org" in printed
    assert "Subject: " in printed
    links = printed[printed.index("Links:"):].splitlines()[1]
    assert links.strip().startswith("http://murporteur.test/lien/")


def test_logged_mail_lists_each_link_once():
    from email.message import EmailMessage

    message = EmailMessage()
    message["To"], message["Subject"] = "a@example.org", "Objet"
    printed = logged_mail(message, "Voir http://x.test/lien/abc.\nEncore http://x.test/lien/abc")
    assert printed.count("  http://x.test/lien/abc") == 1
    assert "http://x.test/lien/abc." not in printed.split("Links:")[1].splitlines()[1]


def test_the_demo_server_refuses_a_port_that_is_not_one():
    done = subprocess.run([sys.executable, "-m", "murporteur.web.devserver"], cwd=ROOT,
                          env={"PORT": "cinq mille", "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "PORT must be a port number" in done.stderr
