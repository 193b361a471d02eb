"""Domain errors: each carries a one-line message that says what is wrong and how to fix it."""

from __future__ import annotations


class GoiError(Exception):
    """Base class: the CLI prints the message on one line and exits non-zero."""

    exit_code = 1


class InputError(GoiError):
    """A file that cannot be read as a report (not text, wrong encoding, too large…)."""


class ReportError(GoiError):
    """Text that was read but holds no report tables."""


class MetadataError(GoiError):
    """A metadata file beside a report is malformed."""


class UsageError(GoiError):
    exit_code = 2
