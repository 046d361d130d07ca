"""The checks framework: declaring checks, the registry, and running them safely.

A check is metadata plus a pure function from artifacts to an :class:`Outcome`. Page
checks see one :class:`PageArtifacts`; site checks see the :class:`SiteArtifacts` and a
:class:`SiteContext` (compact per-page facts read back from the store). A check never
touches the browser or the network; an exception inside one becomes an ERROR outcome for
that check only (as Lighthouse's runner does) and the run goes on.
"""

from __future__ import annotations

import importlib
import pkgutil
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from . import requirements
from .environment import NOT_ASSESSED
from .model import Finding, Outcome, PageArtifacts, Severity, SiteArtifacts, Status

Scope = Literal["page", "site"]


@dataclass(frozen=True)
class CheckSpec:
    id: str
    """Stable kebab-case id: never reused for another meaning."""
    family: str
    title: str
    """What a passing page shows ("Images have alternate text")."""
    failure_title: str
    """What a failing page shows ("Images lack alternate text")."""
    description: str
    """Why it matters and how to fix it."""
    help_url: str
    requirements: tuple[str, ...]
    wcag: tuple[str, ...]
    severity: Severity
    """Default severity of this check's findings."""
    scope: Scope
    artifacts: tuple[str, ...]
    """Artifact fields the check reads; missing ones give an ERROR outcome."""
    fn: Callable[..., Outcome] = field(compare=False, repr=False)
    weight: float = 1.0
    tier: str = "wcag"
    """``wcag``: decides WCAG/IDEA conformance and counts in scores and gates. ``best-practice``:
    barriers axe-core finds with its best-practice, experimental or AAA rules, reported as
    warnings that count in no score or gate unless ``count_best_practice`` is set."""
    production_only: bool = False
    """Only the production site can show what this check measures (HTTPS, HSTS, the domain...):
    on a staging address it is not assessed (auditor/environment.py, docs/environment.md)."""

    def finding(self, page_url: str, message: str, *, selector: str = "", snippet: str = "",
                status: Status = Status.FAIL, severity: Severity | None = None,
                fix_hint: str = "", help_url: str = "") -> Finding:
        """A finding pre-filled with this check's metadata."""
        return Finding(
            check_id=self.id, status=status, severity=self.severity if severity is None else severity,
            requirements=list(self.requirements), wcag=list(self.wcag), page_url=page_url,
            message=message, help_url=help_url or self.help_url,
            fix_hint=fix_hint or self.description, selector=selector, snippet=snippet[:500],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "family": self.family, "title": self.title,
            "failure_title": self.failure_title, "description": self.description,
            "help_url": self.help_url, "requirements": list(self.requirements),
            "wcag": list(self.wcag), "severity": self.severity.label, "scope": self.scope,
            "artifacts": list(self.artifacts), "weight": self.weight, "tier": self.tier,
            "production_only": self.production_only,
        }


@dataclass
class SiteContext:
    """What a site check may know about the crawled pages, without holding them all."""

    pages: list[dict[str, Any]]
    """One dict a page: url, final_url, status_code, title, error and per-page summaries."""
    settings: dict[str, Any] = field(default_factory=dict)


_REGISTRY: dict[str, CheckSpec] = {}


def register(spec: CheckSpec) -> CheckSpec:
    if spec.id in _REGISTRY:
        raise ValueError(f"duplicate check id {spec.id!r}")
    for r in spec.requirements:
        requirements.get(r)  # unknown ids fail loudly at import time
    _REGISTRY[spec.id] = spec
    return spec


def check(*, id: str, family: str, title: str, failure_title: str, description: str, help_url: str,
          requirements: Iterable[str], wcag: Iterable[str] = (), severity: Severity = Severity.MEDIUM,
          scope: Scope = "page", artifacts: Iterable[str] = (), weight: float = 1.0, tier: str = "wcag",
          production_only: bool = False) -> Callable[[Callable[..., Outcome]], CheckSpec]:
    """Decorator declaring a check. The function's first argument is the page (or site)."""

    def wrap(fn: Callable[..., Outcome]) -> CheckSpec:
        spec = CheckSpec(id=id, family=family, title=title, failure_title=failure_title,
                         description=description, help_url=help_url,
                         requirements=tuple(requirements), wcag=tuple(wcag), severity=severity,
                         scope=scope, artifacts=tuple(artifacts), fn=fn, weight=weight, tier=tier,
                         production_only=production_only)
        return register(spec)

    return wrap


_SUMMARIZERS: dict[str, Callable[[PageArtifacts], Any]] = {}


def summarizer(name: str) -> Callable[[Callable[[PageArtifacts], Any]], Callable[[PageArtifacts], Any]]:
    """Declare compact per-page facts a site check needs (kept in the store's page row).

    Site checks then read ``ctx.pages[i]["summary"][name]`` instead of whole artifacts.
    """

    def wrap(fn: Callable[[PageArtifacts], Any]) -> Callable[[PageArtifacts], Any]:
        if name in _SUMMARIZERS:
            raise ValueError(f"duplicate summarizer {name!r}")
        _SUMMARIZERS[name] = fn
        return fn

    return wrap


def summarize(page: PageArtifacts) -> dict[str, Any]:
    load_all()
    out: dict[str, Any] = {}
    for name, fn in _SUMMARIZERS.items():
        try:
            out[name] = fn(page)
        except Exception as exc:
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return out


_LOADED = False


def load_all() -> dict[str, CheckSpec]:
    """Import every module of the ``checks`` package (each registers its checks)."""
    global _LOADED
    if not _LOADED:
        import checks

        for mod in sorted(pkgutil.iter_modules(checks.__path__), key=lambda m: m.name):
            if not mod.name.startswith("_"):
                importlib.import_module(f"checks.{mod.name}")
        _LOADED = True
    return dict(sorted(_REGISTRY.items()))


#: Scan parameters checks may read (set from Settings by the scanner, per process): a check
#: stays a pure function of its artifacts and these values.
PARAMS: dict[str, Any] = {}


def param(name: str, default: Any) -> Any:
    return PARAMS.get(name, default)


def select(only: Iterable[str] = (), skip: Iterable[str] = ()) -> list[CheckSpec]:
    """Checks to run. ``only``/``skip`` match a check id, a family, or an id prefix."""
    specs = list(load_all().values())
    only, skip = list(only), list(skip)

    def matches(spec: CheckSpec, pats: list[str]) -> bool:
        return any(spec.id == p or spec.family == p or (p.endswith("*") and spec.id.startswith(p.rstrip("*")))
                   for p in pats)

    if only:
        unknown = [p for p in only if not any(matches(s, [p]) for s in specs)]
        if unknown:
            raise ValueError(f"unknown check or family: {', '.join(unknown)}")
        specs = [s for s in specs if matches(s, only)]
    if skip:
        specs = [s for s in specs if not matches(s, skip)]
    return specs


def _missing(spec: CheckSpec, obj: Any) -> list[str]:
    missing = []
    for name in spec.artifacts:
        val = getattr(obj, name, None)
        if val is None or (name == "axe" and val == {}):
            missing.append(name)
    return missing


def run_page_checks(specs: Iterable[CheckSpec], page: PageArtifacts,
                    staging: bool = False) -> Iterator[tuple[CheckSpec, Outcome]]:
    """Each page check's outcome; on ``staging`` the production-only ones are not assessed."""
    for spec in specs:
        if spec.scope != "page":
            continue
        yield spec, (_not_assessed() if staging and spec.production_only else _run_one(spec, page))


def run_site_checks(specs: Iterable[CheckSpec], site: SiteArtifacts, ctx: SiteContext,
                    staging: bool = False) -> Iterator[tuple[CheckSpec, Outcome]]:
    for spec in specs:
        if spec.scope != "site":
            continue
        yield spec, (_not_assessed() if staging and spec.production_only else _run_one(spec, site, ctx))


def _not_assessed() -> Outcome:
    return Outcome(Status.NOT_APPLICABLE, detail=NOT_ASSESSED)


def _run_one(spec: CheckSpec, subject: Any, *extra: Any) -> Outcome:
    missing = _missing(spec, subject)
    if missing:
        return Outcome(Status.ERROR, detail=f"missing artifact(s): {', '.join(missing)}")
    try:
        outcome = spec.fn(subject, *extra)
    except Exception as exc:  # a broken check must not stop the run
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return Outcome(Status.ERROR, detail=f"{type(exc).__name__}: {exc} ({last.filename}:{last.lineno})")
    if not isinstance(outcome, Outcome):
        return Outcome(Status.ERROR, detail=f"check returned {type(outcome).__name__}, not Outcome")
    return outcome
