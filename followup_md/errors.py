"""The error hierarchy: core code raises these, the CLI prints them once."""

from __future__ import annotations


class FollowupError(Exception):
    """A user-facing error: a message, optionally a place, and an exit code."""

    exit_code = 1

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class CheckFailed(FollowupError):
    """`check` or `sync --check` found something (what, it has printed already)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)


class UsageError(FollowupError):
    """The command line asks for something that cannot be (an unknown step)."""

    exit_code = 2


class NoteError(FollowupError):
    """One note cannot be read or written safely; the run goes on without it."""


class ConfigError(FollowupError):
    """followup-md.toml (or a plugin setting it relies on) is invalid."""

    exit_code = 2


class WriteError(FollowupError):
    """A file could not be replaced safely; the original is left as it was."""


class MailError(FollowupError):
    """A mailbox cannot be read: missing, unreachable, or the login was refused."""
