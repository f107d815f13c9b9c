"""Domain errors raised by services and turned into form errors, 404 or 409 by the views."""


class DomainError(Exception):
    """Base of every error a user can cause; its message is safe to show."""

    field: str | None = None

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        if field is not None:
            self.field = field


class NotFound(DomainError):
    """The record does not exist or belongs to someone else."""


class Conflict(DomainError):
    """Someone else changed the record first (409)."""


class InvalidTransition(DomainError):
    """The record is not in a state that allows this action."""
