"""Submit a test query to the site search, on the start page only (IDEA 3(a)(4)).

Runs last in the start page's visit. It reads the search form (GET forms only: a POST
would change server state), builds the query URL, and opens it in a new tab of the same
context, only when the form's action is on the audited host: Search.gov
(search.usa.gov) and other off-site search engines are recorded, never contacted.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from . import cleanup, desktop_layout, is_start_page, page_action

TEST_QUERY = "contact"

FORM_JS = """
() => {
  const forms = Array.from(document.querySelectorAll('form'));
  const isSearch = (f) => f.getAttribute('role') === 'search' || f.closest('[role=search]') ||
    f.classList.contains('usa-search') || f.querySelector('input[type=search]') ||
    /search/i.test(f.getAttribute('action') || '') || f.querySelector('input[name=affiliate]');
  const f = forms.find(isSearch);
  if (!f) return null;
  const input = f.querySelector('input[type=search]') || f.querySelector('input[type=text]') ||
                f.querySelector('input:not([type]), input[name=query], input[name=q]');
  const hidden = {};
  for (const h of f.querySelectorAll('input[type=hidden]')) if (h.name) hidden[h.name] = h.value;
  return {action: f.action, method: (f.getAttribute('method') || 'get').toLowerCase(),
          input: input ? input.name : null, hidden};
}
"""


@page_action("search_submit", order=900, timeout=25.0, families=("search",))
async def submit_search(page: Any, art: Any, settings: Any) -> dict[str, Any] | None:
    if not is_start_page(art, settings):
        return None
    memo = getattr(page, "_ia_memo", None) if getattr(settings, "memo", False) else None
    if memo is None:
        await desktop_layout(page)  # the mobile action left a phone layout (a menu may hold the form there)
    # the form is read from the DOM (attributes, not layout): the same at any viewport
    form = await page.evaluate(FORM_JS)
    if not form:
        return {"form": None}
    out: dict[str, Any] = {"form": form, "query": TEST_QUERY}
    action = form.get("action") or art.final_url or art.url
    here, there = urlsplit(art.final_url or art.url), urlsplit(action)
    if (there.hostname, there.port) != (here.hostname, here.port):
        out["skipped"] = f"search form submits to another host ({there.hostname}); not contacted"
        return out
    if form.get("method") != "get" or not form.get("input"):
        out["skipped"] = "search form is not a GET form with a named input"
        return out
    params = {**form.get("hidden", {}), form["input"]: TEST_QUERY}
    target = urlunsplit((there.scheme, there.netloc, there.path, urlencode(params), ""))
    out["url"] = target
    if memo is None:
        out.update(await _answer(page, target))
        return out

    async def first() -> dict[str, Any]:
        await desktop_layout(page)
        return await _answer(page, target)

    answer, reused = await memo.search_once(target, first)
    out.update(answer)
    if reused:
        out["reused"] = True  # the same query URL was answered on an earlier start page of this run
    return out


async def _answer(page: Any, target: str) -> dict[str, Any]:
    """Open the query URL in a new tab of the page's context: what it answered."""
    out: dict[str, Any] = {}
    tab = await page.context.new_page()
    try:
        resp = await tab.goto(target, wait_until="domcontentloaded", timeout=15_000)
        out["status"] = resp.status if resp else None
        out["final_url"] = tab.url
        out["title"] = await tab.title()
        text = await tab.evaluate("() => document.body ? document.body.innerText.slice(0, 2000) : ''")
        out["mentions_query"] = TEST_QUERY.lower() in text.lower()
    except Exception as exc:
        out["error"] = str(exc).splitlines()[0][:200]
    finally:
        await cleanup(tab.close(), 10)
    return out
