"""What a command raises when it refuses: the caller shows the message to whoever asked."""

from __future__ import annotations


class CommandError(Exception):
    """A command refused to act; nothing was saved."""


class NotFound(CommandError):
    """The thing does not exist, or the actor may not know that it does."""


class Invalid(CommandError):
    """The input breaks a rule; `errors` maps each field to a message for the person who sent it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class NotAllowed(CommandError):
    """The actor may see this but not do this (a locked section, someone else's item)."""


class Conflict(CommandError):
    """Someone else changed this since the editor loaded it; nothing was overwritten."""

    def __init__(self, item, field: str, current):
        super().__init__(f"{type(item).__name__} {item.id}.{field} changed meanwhile")
        self.item = item
        self.field = field
        self.current = current
