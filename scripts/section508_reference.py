"""Rebuild ``auditor/data/section508/ict-baseline-web.json`` from the ICT Testing Baseline for
Web (the Markdown of github.com/Section508Coordinators/baselinealignment, folder ``web-baselines``).

Usage: ``python scripts/section508_reference.py DIR > auditor/data/section508/ict-baseline-web.json``

Each test keeps its id, group, title and the WCAG success criteria its test instructions cite
(``[SC 1.1.1]``). Nine tests cite none in their instructions; what they cover is written below
from their "Accessibility Requirements" and "Identify Content" text (3.A: WCAG conformance
requirement 5, 16.C/16.D/17.G: media alternatives for text, 17.A-C: Section 508 503.4, 20.A: WCAG
conformance requirement 1, 24.A: passes without testing). The web Baseline has 62 test ids (18.A
was merged into 6.B).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

SOURCE = "https://github.com/Section508Coordinators/baselinealignment (ICT Testing Baseline for Web, v3.x)"
NO_SC_CITED = {
    "3.A-NonInterference": {"wcag": ["1.4.2", "2.1.2", "2.2.2", "2.3.1"],
                            "note": "WCAG conformance requirement 5 (non-interference): decided by the results of "
                                    "1.B, 9.A, 21.B, 21.C and 21.D."},
    "16.C-AudioMediaAlternative": {"wcag": ["1.2.1"], "note": "Audio-only labelled as a media alternative for text."},
    "16.D-VideoMediaAlternative": {"wcag": ["1.2.1"], "note": "Video-only labelled as a media alternative for text."},
    "17.A-MediaPlayerCCADControls": {"wcag": [], "section508": ["503.4"]},
    "17.B-MediaPlayerCCLevel": {"wcag": [], "section508": ["503.4.1"]},
    "17.C-MediaPlayerADLevel": {"wcag": [], "section508": ["503.4.2"]},
    "17.G-SyncMediaAlternative": {"wcag": ["1.2.2", "1.2.3", "1.2.5"],
                                  "note": "Synchronized media labelled as a media alternative for text."},
    "20.A-ConformingAltVersion": {"wcag": [], "note": "WCAG conformance requirement 1 (conforming alternate version)."},
    "24.A-Parsing": {"wcag": ["4.1.1"], "note": "No testing necessary: the test passes (4.1.1 is obsolete in WCAG 2.2)."},
}


def extract(folder: Path) -> dict:
    groups, tests = [], []
    for path in sorted(folder.glob("[0-2][0-9]*.md"), key=lambda p: int(re.match(r"\d+", p.name).group())):
        text = path.read_text("utf-8")
        title = re.search(r'^title: "(\d+)\. (.+?) \(Web\)"', text, re.M)
        if not title:  # moved/merged stubs
            continue
        number, name = int(title.group(1)), title.group(2)
        groups.append({"number": number, "name": name, "file": path.stem})
        sections = re.split(r"^### ", text, flags=re.M)
        for sec in sections:
            m = re.search(r"\*\*Baseline Test ID:\*\*\s*([0-9]+\.[A-Z]-[A-Za-z]+)", sec)
            if not m:
                continue
            tid = m.group(1)
            heading = sec.splitlines()[0].strip()
            heading = re.sub(r"^\d+\.[A-Z] (for )?Test Procedure for ", "", heading).strip()
            cited = sorted(set(re.findall(r"SC\s*(\d\.\d\.\d+)", sec)), key=lambda c: [int(x) for x in c.split(".")])
            entry = {"id": tid, "group": number, "title": heading, "wcag": cited, "section508": []}
            entry.update(NO_SC_CITED.get(tid, {}))
            tests.append(entry)
    return {"source": SOURCE, "licence": "LICENSE-ACOP.txt", "groups": groups, "tests": tests}


if __name__ == "__main__":
    json.dump(extract(Path(sys.argv[1])), sys.stdout, indent=1)
    sys.stdout.write("\n")
