"""Exit codes and the errors that map to them (documented in the README and --help)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_USAGE = 2
EXIT_COULD_NOT_AUDIT = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM: what CI systems send on cancel and timeout

EXIT_CODES_HELP = (
    "Exit codes: 0 passed; 1 a gate failed; 2 usage or configuration error; "
    "3 could not audit (start URL unreachable, no browser); 130 interrupted; 143 terminated (SIGTERM)."
)


class AuditError(Exception):
    """An expected failure with a one-line message and an exit code."""

    exit_code = EXIT_COULD_NOT_AUDIT


class UsageError(AuditError):
    exit_code = EXIT_USAGE


class CouldNotAudit(AuditError):
    exit_code = EXIT_COULD_NOT_AUDIT
