"""Project exceptions.

Every error a user can trigger is a `GovpipeError` with a code and a message that says what to do,
so the CLI can print it without a traceback and per-document failures can be recorded in `errors`.
"""

from __future__ import annotations


class GovpipeError(Exception):
    """Base class: `code` is stable (for scripts that grep logs), the message is for people."""

    code = "E000"

    def __init__(self, message: str) -> None:
        super().__init__(f"[{self.code}] {message}")
        self.message = message


class ConfigError(GovpipeError):
    """The pipeline configuration cannot be built (unknown stage, unmet requirement, bad option)."""

    code = "E001"


class ResourceError(GovpipeError):
    """A file under models/ (or a user-supplied glossary / dictionary) is missing or malformed."""

    code = "E002"


class InputError(GovpipeError):
    """One input document cannot be read or processed; the run records it and goes on."""

    code = "E003"


class OutputError(GovpipeError):
    """The output file cannot be written or resumed."""

    code = "E004"
