# Shared by scripts/demo and scripts/test: a virtual environment with the project installed
# and the translation catalogues compiled. Sourced, not run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
# Playwright (the end-to-end tests) drives Debian's Chromium: it never downloads a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating the virtual environment in $VENV"
  "$PYTHON" -m venv "$VENV"
fi
echo "==> installing Mur porteur and its dependencies ($1)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[$1]"
# WeasyPrint (the committee's minutes in PDF) needs Pango from the system.
if ! "$VENV/bin/python" -c "import weasyprint" > /dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get > /dev/null; then
    echo "==> installing Pango for WeasyPrint (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 > /dev/null
  else
    echo "!! WeasyPrint cannot load Pango: install libpango-1.0-0 and libpangoft2-1.0-0" >&2
  fi
fi
# The end-to-end tests (tests/e2e) drive Debian's Chromium.
if [ "$1" = "test" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get > /dev/null; then
    echo "==> installing Chromium for the end-to-end tests (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      chromium fonts-dejavu-core > /dev/null
  else
    echo "!! Chromium is missing: the end-to-end tests are skipped (apt-get install chromium)" >&2
  fi
fi
if compgen -G "translations/*/LC_MESSAGES/messages.po" > /dev/null; then
  "$VENV/bin/pybabel" compile --statistics -d translations 2>&1 | grep -v '^compiling' || true
fi
