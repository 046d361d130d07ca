"""The config file: ``idea-audit.toml``, or ``[tool.idea-audit]`` in ``pyproject.toml``.

CLI flags override the file. A wrong key or value is a UsageError naming the key and the
file (exit 2). Secrets are never written in the file: headers name an environment variable.
"""

from __future__ import annotations

import fnmatch
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import requirements
from .errors import UsageError
from .model import Severity
from .settings import MAX_AXE_TIMEOUT, MAX_CONCURRENCY, MAX_DELAY, MAX_PAGE_TIMEOUT, MAX_TIME

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAMES = ("idea-audit.toml", ".idea-audit.toml")
SEVERITIES = [s.label for s in Severity]


def _int(min_: int = 0, max_: int | None = None) -> Any:
    def check(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or v < min_ or (max_ is not None and v > max_):
            raise ValueError(f"must be a whole number from {min_} to {max_}" if max_ is not None
                             else f"must be a whole number >= {min_}")
        return v
    return check


def _num(min_: float = 0.0, max_: float | None = None) -> Any:
    """A finite number in [min_, max_]: TOML has ``nan`` and ``inf``, which pass every comparison
    check (nan) or none of the waits would end (inf)."""
    def check(v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < min_ \
                or (max_ is not None and v > max_):
            rng = f"from {min_:g} to {max_:g}" if max_ is not None else f">= {min_:g}"
            raise ValueError(f"must be a number {rng}")
        return float(v)
    return check


def _choice(*allowed: str) -> Any:
    def check(v: Any) -> str:
        if v not in allowed:
            raise ValueError(f"must be one of: {', '.join(allowed)}")
        return v
    return check


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError("must be a string")
    return v


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError("must be true or false")
    return v


def _str_list(v: Any) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ValueError("must be a list of strings")
    return v


def _formats(v: Any) -> list[str]:
    from .report import reporters

    v = _str_list(v)
    known = reporters()
    bad = [f for f in v if f not in known]
    if bad:
        raise ValueError(f"unknown format {', '.join(bad)} (allowed: {', '.join(known)})")
    return v


def _source_map(v: Any) -> list[str]:
    """``sarif_source_map``: ["URL_PREFIX=REPO_PATH", ...] or a table {"URL_PREFIX" = "REPO_PATH"}."""
    from .report.sarif import parse_source_map

    if isinstance(v, dict):
        if not all(isinstance(x, str) for x in v.values()):
            raise ValueError("must be a table of \"URL_PREFIX\" = \"REPO_PATH\"")
        parse_source_map(v)
        return [f"{k}={x}" for k, x in v.items()]
    v = _str_list(v)
    parse_source_map(v)
    return v


#: Keys holding a file or folder path: relative ones are read against the config file's folder,
#: not the working directory (``idea-audit scan --config ci/idea-audit.toml`` from anywhere).
PATH_KEYS = ("out", "db", "browser_path")

#: Top-level keys: name -> validator.
SCAN_KEYS: dict[str, Any] = {
    "urls": _str_list, "max_pages": _int(1), "max_depth": _int(0), "max_time": _num(0, MAX_TIME),
    "concurrency": _int(1, MAX_CONCURRENCY), "per_host": _int(0, MAX_CONCURRENCY), "delay": _num(0, MAX_DELAY),
    "page_timeout": _num(1, MAX_PAGE_TIMEOUT), "axe_timeout": _num(5, MAX_AXE_TIMEOUT), "target_grade": _num(1, 20),
    "scope": _choice("host", "subdomains"),
    "trailing_slash": _choice("keep", "strip", "add"), "user_agent": _str, "obey_robots": _bool,
    "use_sitemap": _bool, "checks": _str_list, "skip": _str_list, "formats": _formats, "out": _str, "db": _str,
    "browser_path": _str, "insecure": _bool, "screenshots": _bool, "count_best_practice": _bool,
    "sarif_source_map": _source_map,
    "environment": _choice("auto", "production", "staging"),
    "memo": _bool, "incremental": _bool,
}
GATE_KEYS = {"fail_on": _choice(*SEVERITIES), "min_score": _num(0, 100), "max_findings": _int(0)}
TABLES = ("gates", "baseline", "severity", "ignore", "headers", "cookies")


@dataclass
class IgnoreRule:
    reason: str
    check: str | None = None
    url: str | None = None
    selector: str | None = None

    def matches(self, f: dict[str, Any]) -> bool:
        if self.check and not fnmatch.fnmatchcase(f["check_id"], self.check):
            return False
        if self.url and not fnmatch.fnmatchcase(f["page_url"], self.url):
            return False
        return not (self.selector and self.selector not in (f.get("selector") or ""))

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in (("check", self.check), ("url", self.url), ("selector", self.selector)) if v]
        return " ".join(parts)


@dataclass
class Config:
    path: str = ""
    scan: dict[str, Any] = field(default_factory=dict)
    gates: dict[str, Any] = field(default_factory=dict)
    baseline: dict[str, Any] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    ignore: list[IgnoreRule] = field(default_factory=list)
    header_env: dict[str, str] = field(default_factory=dict)
    """Header name -> environment variable holding its value."""
    cookie_env: dict[str, str] = field(default_factory=dict)


def find(explicit: str | None, cwd: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The config to use: --config, else ./idea-audit.toml, else [tool.idea-audit] in ./pyproject.toml."""
    cwd = cwd or Path.cwd()
    if explicit:
        p = Path(explicit)
        if not p.is_file():
            raise UsageError(f"--config: no file {explicit}")
        data = _read(p)
        if p.name == "pyproject.toml":
            data = _tool_section(data, p) or {}
        return p, data
    for name in CONFIG_NAMES:
        p = cwd / name
        if p.is_file():
            return p, _read(p)
    pp = cwd / "pyproject.toml"
    if pp.is_file():
        section = _tool_section(_read(pp), pp)
        if section is not None:
            return pp, section
    return None


def _tool_section(data: dict[str, Any], p: Path) -> dict[str, Any] | None:
    """``[tool.idea-audit]`` of a pyproject.toml, None when absent; not a table is a UsageError."""
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise UsageError(f"{p}: key 'tool' must be a table")
    section = tool.get("idea-audit")
    if section is not None and not isinstance(section, dict):
        raise UsageError(f"{p}: key 'tool.idea-audit' must be a table ([tool.idea-audit])")
    return section


def _read(p: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{p}: not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{p}: not valid UTF-8 (byte {exc.start}); TOML files are UTF-8") from None
    except OSError as exc:
        raise UsageError(f"{p}: cannot read ({exc.strerror or exc})") from None


def load(explicit: str | None = None, cwd: Path | None = None) -> Config:
    found = find(explicit, cwd)
    if found is None:
        return Config()
    path, data = found
    return parse(data, str(path))


def parse(data: dict[str, Any], path: str) -> Config:
    cfg = Config(path=path)

    def bad(key: str, msg: str) -> UsageError:
        return UsageError(f"{path}: key '{key}' {msg}")

    for key, value in data.items():
        if key in SCAN_KEYS:
            try:
                cfg.scan[key] = SCAN_KEYS[key](value)
            except ValueError as exc:
                raise bad(key, str(exc)) from None
        elif key not in TABLES:
            allowed = ", ".join(sorted([*SCAN_KEYS, *TABLES]))
            raise UsageError(f"{path}: unknown key '{key}' (allowed: {allowed})")
    for key in PATH_KEYS:
        if key in cfg.scan and (key != "browser_path" or os.sep in cfg.scan[key] or "/" in cfg.scan[key]):
            cfg.scan[key] = relative_to(path, cfg.scan[key])
    gates = data.get("gates", {})
    if not isinstance(gates, dict):
        raise bad("gates", "must be a table")
    for key, value in gates.items():
        if key == "min_scores":
            if not isinstance(value, dict):
                raise bad("gates.min_scores", "must be a table of requirement = score")
            for req, v in value.items():
                if req not in requirements.BY_ID:
                    raise bad(f"gates.min_scores.{req}", f"is not a requirement (allowed: {', '.join(requirements.BY_ID)})")
                try:
                    cfg.gates.setdefault("min_scores", {})[req] = _num(0, 100)(v)
                except ValueError as exc:
                    raise bad(f"gates.min_scores.{req}", str(exc)) from None
        elif key in GATE_KEYS:
            try:
                cfg.gates[key] = GATE_KEYS[key](value)
            except ValueError as exc:
                raise bad(f"gates.{key}", str(exc)) from None
        else:
            raise UsageError(f"{path}: unknown key 'gates.{key}' (allowed: {', '.join([*GATE_KEYS, 'min_scores'])})")
    base = data.get("baseline", {})
    if not isinstance(base, dict):
        raise bad("baseline", "must be a table")
    for key, value in base.items():
        if key == "file":
            cfg.baseline["file"] = relative_to(path, _checked(_str, value, bad, "baseline.file"))
        elif key == "ignore_host":
            cfg.baseline["ignore_host"] = _checked(_bool, value, bad, "baseline.ignore_host")
        else:
            raise UsageError(f"{path}: unknown key 'baseline.{key}' (allowed: file, ignore_host)")
    from . import checking

    known_checks = checking.load_all()
    sev = data.get("severity", {})
    if not isinstance(sev, dict):
        raise bad("severity", "must be a table of check-id = severity")
    for cid, value in sev.items():
        if cid not in known_checks:
            raise bad(f"severity.{cid}", "is not a check id (see `idea-audit checks`)")
        cfg.severity[cid] = Severity.parse(_checked(_choice(*SEVERITIES), value, bad, f"severity.{cid}"))
    rules = data.get("ignore", [])
    if not isinstance(rules, list):
        raise bad("ignore", "must be an array of tables ([[ignore]])")
    for i, rule in enumerate(rules, start=1):
        where = f"ignore[{i}]"
        if not isinstance(rule, dict):
            raise bad(where, "must be a table")
        extra = set(rule) - {"check", "url", "selector", "reason"}
        if extra:
            raise bad(f"{where}.{sorted(extra)[0]}", "is not allowed (allowed: check, url, selector, reason)")
        reason = rule.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise bad(f"{where}.reason", "is required: say why the finding is ignored")
        if not any(rule.get(k) for k in ("check", "url", "selector")):
            raise bad(where, "needs at least one of check, url, selector")
        for k in ("check", "url", "selector"):
            if k in rule:
                _checked(_str, rule[k], bad, f"{where}.{k}")
        cfg.ignore.append(IgnoreRule(reason=reason.strip(), check=rule.get("check"), url=rule.get("url"),
                                     selector=rule.get("selector")))
    for table, target in (("headers", cfg.header_env), ("cookies", cfg.cookie_env)):
        entries = data.get(table, {})
        if not isinstance(entries, dict):
            raise bad(table, "must be a table of NAME = { env = \"VARIABLE\" }")
        for name, value in entries.items():
            if not (isinstance(value, dict) and set(value) == {"env"} and isinstance(value["env"], str)):
                raise bad(f"{table}.{name}", "must be { env = \"VARIABLE\" }: values come from the environment, "
                                             "never from the file")
            target[name] = value["env"]
    return cfg


def relative_to(config_path: str, value: str) -> str:
    """``value`` read against the config file's folder (absolute paths and ``~`` stay as they are)."""
    p = Path(os.path.expanduser(value))
    if p.is_absolute():
        return str(p)
    return os.path.normpath(Path(config_path).parent / p)


def _checked(fn: Any, value: Any, bad: Any, key: str) -> Any:
    try:
        return fn(value)
    except ValueError as exc:
        raise bad(key, str(exc)) from None


def env_values(mapping: dict[str, str], what: str, path: str) -> dict[str, str]:
    out = {}
    for name, var in mapping.items():
        val = os.environ.get(var)
        if val is None:
            raise UsageError(f"{path}: {what} {name}: environment variable {var} is not set")
        out[name] = val
    return out


def apply_policy(result: dict[str, Any], cfg: Config) -> None:
    """Severity overrides and ignore rules (each shown in reports with its reason)."""
    if cfg.severity:
        for f in result["findings"]:
            if f["check_id"] in cfg.severity:
                f["severity"] = cfg.severity[f["check_id"]].label
    if cfg.ignore:
        kept, ignored = [], []
        for f in result["findings"]:
            rule = next((r for r in cfg.ignore if r.matches(f)), None)
            if rule is None:
                kept.append(f)
            else:
                ignored.append({**f, "ignored_reason": rule.reason, "ignored_by": rule.describe()})
        result["findings"] = kept
        result["ignored"] = ignored
        result["summary"]["ignored"] = len(ignored)
    from .clusters import summarize
    from .report import summarize_findings

    result["summary"].update(summarize_findings(result["findings"]))
    result["clusters"] = summarize(result["findings"])  # severities and the kept findings changed
