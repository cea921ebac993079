"""The lower domains do not import the higher ones (the layers of STYLE.md): a higher domain
reacts through a signal or answers a hook declared below it.

Checked on the source (every import, function-level ones included), for the domains this
check covers so far; import-linter's contracts in CI are the complete rule.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "murporteur"

LAYERS = [{"core", "extensions", "settings", "signals"}, {"audit"}, {"accounts"},
          {"notifications"}, {"submissions"}, {"directory"}, {"triage"}, {"committee"},
          {"conventions"}, {"reporting", "privacy"}, {"api", "demo"}, {"web"}]
LEVEL = {name: level for level, names in enumerate(LAYERS) for name in names}
CHECKED = ("accounts", "notifications", "submissions", "directory", "triage", "privacy")
#: Imports against the layers still waiting for their move (file -> the packages it reaches).
KNOWN = {"notifications/receivers.py": {"submissions", "directory", "triage"}}


def _imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
        for name in names:
            parts = name.split(".")
            if parts[0] == "murporteur" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_no_lower_domain_imports_a_higher_one():
    wrong = []
    for package in CHECKED:
        for path in sorted((PACKAGE / package).rglob("*.py")):
            name = str(path.relative_to(PACKAGE))
            above = {p for p in _imported_packages(path)
                     if LEVEL.get(p, -1) > LEVEL[package]} - KNOWN.get(name, set())
            wrong += [f"{name} imports murporteur.{p}" for p in sorted(above)]
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_function_level_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from murporteur.committee.models import AgendaItem\n")
    assert _imported_packages(module) == {"committee"}
