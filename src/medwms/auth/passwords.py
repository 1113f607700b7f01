"""Passwords: the policy, and argon2id hashes (argon2-cffi's PasswordHasher defaults).

The policy follows NIST SP 800-63B §5.1.1.2: a minimum length, no composition rules, and a
check against a list of passwords known to be common. A password is refused when it is
- shorter than MIN_LENGTH characters (or longer than MAX_LENGTH),
- blank or only spaces,
- the username, or the username with fewer than MIN_LENGTH characters added (the username
  is known to whoever guesses, so it adds no length: "receiver2026" is refused for the user
  receiver, "receiver-demo-2026" is not), compared without regard to case,
- one of the common passwords below, compared in lower case.

The common passwords are the list Django ships (django/contrib/auth/common-passwords.txt.gz,
Django 5.2, BSD-3-Clause): 20,000 passwords, lower-cased and deduplicated, compiled by Royce
Williams (https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce) from
breach corpora. We chose a shipped list over a strength estimator (zxcvbn): the check is
exact and explainable in both languages ("it is a common password"), it needs no network
and no dependency, and it costs one set lookup.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from medwms.auth.errors import WeakPassword
from medwms.core.errors import Problem

MIN_LENGTH = 10
MAX_LENGTH = 256  # argon2 takes any length; a cap keeps a huge "password" from costing CPU
COMMON_PASSWORDS = "common-passwords.txt.gz"

_hasher = PasswordHasher()


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case), read once per process."""
    data = resources.files("medwms.auth").joinpath(COMMON_PASSWORDS).read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(data).decode().splitlines())


def policy_problems(password: str, *, username: str = "") -> list[Problem]:
    """Every rule of the policy that `password` breaks, each named in both languages."""
    problems = []
    if not password.strip():
        problems.append(_problem("blank or only spaces", "为空或只有空格"))
    elif len(password) < MIN_LENGTH:
        problems.append(_problem(f"shorter than {MIN_LENGTH} characters",
                                 f"少于 {MIN_LENGTH} 个字符"))
    if len(password) > MAX_LENGTH:
        problems.append(_problem(f"longer than {MAX_LENGTH} characters",
                                 f"多于 {MAX_LENGTH} 个字符"))
    if password.strip() and _built_on_username(password, username):
        problems.append(_problem(
            f"the username, or the username with fewer than {MIN_LENGTH} characters added",
            f"是用户名，或只在用户名上添加了不足 {MIN_LENGTH} 个字符"))
    if password.strip().lower() in common_passwords():
        problems.append(_problem("a common password (in the list of the 20,000 most common)",
                                 "属于常见密码（最常见的 2 万个密码之一）"))
    return problems


def check_policy(password: str, *, username: str = "") -> None:
    """Raise WeakPassword, naming every broken rule, unless `password` meets the policy."""
    problems = policy_problems(password, username=username)
    if problems:
        raise WeakPassword(problems, min_length=MIN_LENGTH)


def meets_policy(password: str, *, username: str = "") -> bool:
    """Whether `password` meets today's policy (a login with one that does not must change it)."""
    return not policy_problems(password, username=username)


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


def _built_on_username(password: str, username: str) -> bool:
    name = username.strip().lower()
    if not name:
        return False
    rest = password.strip().lower().replace(name, "")
    return rest != password.strip().lower() and len(rest) < MIN_LENGTH


def _problem(message: str, message_zh: str) -> Problem:
    return Problem(message, column="password", message_zh=message_zh)
