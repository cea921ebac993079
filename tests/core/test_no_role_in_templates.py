"""No template compares roles: pages ask the domains' policies through ``can(...)``."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

ROLE_COMPARISON = re.compile(
    r"\.role(\.value)?\s*(==|!=|\bin\b|\bnot\s+in\b)"  # current_user.role.value == 'member'
    r"|\brole\s*(==|!=)"                                 # role == 'animator'
    r"|\brole\s+(not\s+)?in\s*[(\[]")                    # role in ('animator', 'member')


def test_the_pattern_catches_the_comparisons_it_is_meant_for():
    for line in ("{% if current_user.role.value != 'member' %}",
                 "{% if current_user.role == 'admin' %}",
                 "{% if user.role.value in ('animator', 'member') %}",
                 "{% if role == 'holder' %}", "{% if role in ['a'] %}"):
        assert ROLE_COMPARISON.search(line), line
    for line in ('<div class="flash" role="alert">', "{% if can('animate') %}",
                 '<section role="status">'):
        assert not ROLE_COMPARISON.search(line), line


def test_no_template_compares_roles():
    found = [f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
             for path in sorted(TEMPLATES.rglob("*.html"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if ROLE_COMPARISON.search(line)]
    assert not found, "ask can(...) instead of comparing roles:\n" + "\n".join(found)
