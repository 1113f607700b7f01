"""Passwords: the policy, and argon2id hashes (argon2-cffi's PasswordHasher defaults)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from medwms.auth.errors import WeakPassword
from medwms.core.errors import Problem

MIN_LENGTH = 8
MAX_LENGTH = 256  # argon2 takes any length; a cap keeps a huge "password" from costing CPU

_hasher = PasswordHasher()


def check_policy(password: str, *, username: str = "") -> None:
    """Raise WeakPassword unless the password is long enough and not the username."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"shorter than {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"longer than {MAX_LENGTH} characters")
    if username and password.strip().lower() == username.lower():
        problems.append("the same as the username")
    if problems:
        raise WeakPassword([Problem(p, column="password") for p in problems],
                           min_length=MIN_LENGTH)


def hash_password(password: str) -> str:
    """The argon2id hash of `password` (salted, with its parameters inside)."""
    return str(_hasher.hash(password))


def password_matches(password_hash: str, password: str) -> bool:
    """Whether `password` is the one behind `password_hash` (False for a broken hash)."""
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    try:
        return bool(_hasher.check_needs_rehash(password_hash))
    except InvalidHashError:
        return True


@cache
def dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so timing reveals nothing."""
    return hash_password("medwms-no-such-user")
