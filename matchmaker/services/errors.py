"""Errors raised by services. The app turns them into pages once (web/__init__.py): NotFound is a
404, Conflict a 409; views catch DomainError to put its message next to a field or in a flash."""


class ServiceError(Exception):
    """Base of every error a service raises on purpose; its message is safe to show."""

    field: str | None = None

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        if field is not None:
            self.field = field


class DomainError(ServiceError):
    """Something the user can correct or be told about: a form error, a refused action."""


class NotFound(ServiceError):
    """The record does not exist or belongs to someone else: always a 404, never a form error,
    so it is not a DomainError and passes through a view's `except DomainError`."""


class Conflict(DomainError):
    """Someone else changed the record first (409)."""


class InvalidTransition(DomainError):
    """The record is not in a state that allows this action."""
