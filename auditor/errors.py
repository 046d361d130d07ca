"""Exit codes and the errors that map to them (documented in the README and --help)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_USAGE = 2
EXIT_COULD_NOT_AUDIT = 3
EXIT_WRITE_FAILED = 4  # the reports (or the store) could not be written: disk full, read-only
EXIT_RUN_BUSY = 5  # --resume of a run another live process is resuming (it holds the run's lease)
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM: what CI systems send on cancel and timeout


def _fetch_errors() -> tuple[type[BaseException], ...]:
    import httpx

    # httpx.InvalidURL is not an httpx.HTTPError: a URL a site supplies (a robots.txt Sitemap
    # line, a redirect's Location) with a control character in it raised it past every handler
    return (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError)


#: What one fetch outside the browser may raise for reasons the site or the network decide.
FETCH_ERRORS = _fetch_errors()

EXIT_CODES_HELP = (
    "Exit codes: 0 passed; 1 a gate failed; 2 usage or configuration error; "
    "3 could not audit (start URL unreachable, no browser); 4 could not write the reports or the store "
    "(disk full, read-only); 5 the run is being resumed by another process; 130 interrupted; "
    "143 terminated (SIGTERM)."
)


class AuditError(Exception):
    """An expected failure with a one-line message and an exit code."""

    exit_code = EXIT_COULD_NOT_AUDIT


class UsageError(AuditError):
    exit_code = EXIT_USAGE


class CouldNotAudit(AuditError):
    exit_code = EXIT_COULD_NOT_AUDIT


class WriteFailed(AuditError):
    """An output could not be written (disk full, read-only file system, a path under a file)."""

    exit_code = EXIT_WRITE_FAILED


class RunBusy(AuditError):
    """``--resume`` of a run another live process holds the lease of."""

    exit_code = EXIT_RUN_BUSY
