"""`make demo`: serve the bundled legacy fixture site on 127.0.0.1, audit it, print the scorecard path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))

from serve import serve_in_thread  # noqa: E402


def main() -> int:
    server, url = serve_in_thread("legacy")
    out = ROOT / "reports" / "demo"
    print(f"serving the bundled fixture site 'legacy' at {url}")
    try:
        proc = subprocess.run([sys.executable, "-m", "auditor", "scan", url, "--out", str(out),
                               "--db", str(ROOT / ".idea-audit" / "demo.sqlite"), "--format", "json,html"],
                              cwd=ROOT, timeout=600)
    finally:
        server.shutdown()
    scorecard = out / "idea-audit.html"
    if proc.returncode not in (0, 1) or not scorecard.exists():
        print(f"demo scan failed (exit {proc.returncode})", file=sys.stderr)
        return proc.returncode or 1
    print(f"\nScorecard written: {scorecard}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
