"""Password hashing (Argon2) and the password policy."""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

MIN_LENGTH = 12
MAX_LENGTH = 128

_default_hasher = PasswordHasher()
EXTENSION = "matchmaker.argon2"


def hasher() -> PasswordHasher:
    """The app's Argon2 hasher (parameters from ARGON2_PARAMS), or the library defaults."""
    if has_app_context():
        return current_app.extensions.get(EXTENSION, _default_hasher)
    return _default_hasher


class WeakPassword(ValueError):
    """The password breaks the policy; the message says how."""


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the 1,000 most common passwords, lower-cased."""
    text = resources.files("matchmaker.data").joinpath("common-passwords.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line and not line.startswith("#")
    )


def check_policy(password: str) -> None:
    """Raise WeakPassword unless the password is long enough and not a common one."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"Use at most {MAX_LENGTH} characters.")
    if password.lower() in common_passwords():
        raise WeakPassword("This password is too common; choose another.")


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; never raises for a bad or missing hash."""
    if not password_hash:
        hasher().hash(password)  # spend the same time as a real check: no account enumeration
        return False
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)
