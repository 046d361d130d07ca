"""Open a generated report in real Chromium: axe-core, screenshots, network and script checks."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT
from PIL import Image, ImageStat
from playwright.sync_api import sync_playwright

from auditor.browser import find_browser

#: WCAG A/AA rules and axe's best-practice rules (landmark-unique, region, heading-order, ...)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def inspect_report(path: Path, shots_dir: Path) -> dict[str, Any]:
    """Load ``path`` from disk, expand every <details>, run axe-core, screenshot at 1280 and 375
    px wide. Any request that is not the file itself is recorded (and aborted: no network)."""
    browser_path = find_browser(None).path
    assert browser_path, "no Chromium for the report test"
    out: dict[str, Any] = {"requests": [], "dialogs": [], "console_errors": [], "shots": {}}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, headless=True)
        try:
            for name, width in (("desktop", 1280), ("mobile", 375)):
                page = browser.new_page(viewport={"width": width, "height": 900})

                def route(r: Any) -> None:
                    if not r.request.url.startswith(("file:", "data:")):
                        out["requests"].append(r.request.url)
                        r.abort()
                    else:
                        r.continue_()

                page.route("**/*", route)
                page.on("dialog", lambda d: (out["dialogs"].append(d.message), d.dismiss()))
                page.goto(path.resolve().as_uri())
                page.wait_for_load_state("load")
                out[f"pwned_{name}"] = page.evaluate("() => [window.__pwned, window.__pwned2, document.title]")
                shot = shots_dir / f"{path.stem}-{name}.png"
                page.screenshot(path=str(shot), full_page=False)
                out["shots"][name] = shot
                if name == "desktop":
                    out["filters_visible"] = page.evaluate(
                        "() => { const f = document.getElementById('filters'); return f ? !f.hidden : null; }")
                    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
                    page.evaluate(AXE_SCRIPT)
                    res = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                                        AXE_TAGS)
                    out["violations"] = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
                                         for v in res["violations"]]
                    out["pwned_after_axe"] = page.evaluate("() => [window.__pwned, window.__pwned2]")
                page.close()
        finally:
            browser.close()
    return out


def is_blank(png: Path) -> bool:
    """True when the screenshot is (nearly) one flat colour."""
    img = Image.open(io.BytesIO(png.read_bytes())).convert("L")
    return max(ImageStat.Stat(img).stddev) < 8 or len(img.getcolors(maxcolors=1 << 16) or []) < 8
