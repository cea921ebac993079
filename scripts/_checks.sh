# The static checks, shared by scripts/lint and scripts/test (so CI runs them): sourced after
# _setup.sh, from the project's root.
run_checks() {
  echo "==> ruff (style, bugbear, pyupgrade, import order)"
  "$VENV/bin/ruff" check murporteur worker tests
  echo "==> lint-imports (the layers: README, Architecture)"
  "$VENV/bin/lint-imports" --no-cache
  echo "==> mypy (typed against SQLAlchemy 2's Mapped models)"
  "$VENV/bin/mypy"
}
