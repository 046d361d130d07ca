"""The floor: the least any axe-based auditor must do per page.

One warm Chromium, ``--concurrency`` contexts with one tab each; the tab is navigated from
page to page (until ``load``; reusing the tab is the cheapest way, see auditor/gather.py),
axe-core is injected and run with the same tags and options as idea-audit, and the
violations are written as one JSON line per page. Nothing else: no crawl, no store, no
other checks. Usage: ``floor.py URLS_FILE OUT_JSONL --concurrency 2 [--browser PATH]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from axe_playwright_python.base import AXE_SCRIPT
from playwright.async_api import async_playwright

from auditor.browser import LAUNCH_ARGS, find_browser
from auditor.gather import AXE_OPTIONS


async def main(urls: list[str], out_path: str, concurrency: int, browser_path: str) -> int:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for u in urls:
        queue.put_nowait(u)
    failures = 0
    with open(out_path, "w", encoding="utf-8") as out:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=browser_path, args=LAUNCH_ARGS, headless=True)

            async def worker() -> None:
                nonlocal failures
                ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
                page = await ctx.new_page()  # one tab per worker, navigated page to page (as idea-audit does)
                while not queue.empty():
                    url = queue.get_nowait()
                    try:
                        await page.goto(url, wait_until="load", timeout=30_000)
                        await page.evaluate(AXE_SCRIPT)
                        res = await page.evaluate("(opts) => axe.run(document, opts)", AXE_OPTIONS)
                        out.write(json.dumps({"url": url, "violations": [
                            {"id": r["id"], "targets": [n["target"] for n in r["nodes"]]}
                            for r in res["violations"]]}) + "\n")
                    except Exception as exc:  # a floor run records the failure and goes on
                        failures += 1
                        out.write(json.dumps({"url": url, "error": str(exc)[:200]}) + "\n")
                        await page.close()
                        page = await ctx.new_page()
                await ctx.close()

            await asyncio.gather(*(worker() for _ in range(concurrency)))
            await browser.close()
    return 1 if failures else 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("urls_file")
    ap.add_argument("out_jsonl")
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--browser", default=None)
    a = ap.parse_args()
    found = find_browser(a.browser)
    if not found.found:
        sys.exit(found.reason)
    url_list = [ln.strip() for ln in Path(a.urls_file).read_text().splitlines() if ln.strip()]
    sys.exit(asyncio.run(main(url_list, a.out_jsonl, a.concurrency, found.path or "")))
