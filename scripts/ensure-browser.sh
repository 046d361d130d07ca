#!/usr/bin/env bash
# Make sure a Chromium exists for idea-auditor: reuse any found, else Playwright's
# download, else Debian/Ubuntu's package. Says clearly when none can be had.
set -u
PY="${1:-.venv/bin/python}"
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo -n"
if "$PY" -m auditor doctor >/dev/null 2>&1; then
  # A full Chrome/Chromium works; a headless shell is much lighter (see auditor/browser.py).
  # Take Debian/Ubuntu's package when apt already knows it; never fail for want of it.
  if ! "$PY" -m auditor doctor | grep -q "headless shell" && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive timeout 300 $SUDO apt-get install -y -qq chromium-headless-shell \
      >/dev/null 2>&1 || true
  fi
  "$PY" -m auditor doctor | sed -n '2,4p'
  exit 0
fi
echo "no browser found; trying: python -m playwright install chromium"
if timeout 300 "$PY" -m playwright install chromium >/tmp/idea-audit-pw-install.log 2>&1 \
   && "$PY" -m auditor doctor >/dev/null 2>&1; then
  "$PY" -m auditor doctor | sed -n '2,4p'
  exit 0
fi
echo "playwright install failed (see /tmp/idea-audit-pw-install.log); trying apt-get install chromium-headless-shell"
if command -v apt-get >/dev/null 2>&1; then
  $SUDO apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1
  if "$PY" -m auditor doctor >/dev/null 2>&1 || \
     DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null 2>&1; then
    if "$PY" -m auditor doctor >/dev/null 2>&1; then
      "$PY" -m auditor doctor | sed -n '2,4p'
      exit 0
    fi
  fi
fi
echo "ERROR: no Chromium could be installed. Install Chrome or Chromium yourself and set"
echo "       IDEA_AUDIT_BROWSER=/path/to/chrome (or pass --browser-path)."
exit 1
