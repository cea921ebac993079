"""Every message the interface shows exists in English; French is the source language."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_has_an_english_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "babel.cfg", "-k", "_l", "-o", str(pot), "--no-location", "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        template = read_po(f)
    with (ROOT / "translations/en/LC_MESSAGES/messages.po").open("rb") as f:
        english = read_po(f)
    missing = [m.id for m in template if m.id and (
        m.id not in english or not english[m.id].string or english[m.id].fuzzy)]
    assert missing == [], f"{len(missing)} messages without English: {missing[:10]}"
    assert len(template) > 100


def test_the_home_page_is_french_by_default_and_english_on_request(client):
    assert "Proposer mon idée" in client.get("/").get_data(as_text=True)
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in english.get_data(as_text=True)
    assert "Proposer mon idée" not in english.get_data(as_text=True)
