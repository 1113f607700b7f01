"""What every CLI command shares: settings, the database, the acting user, error output."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console

from medwms.auth.rules import Actor, Role
from medwms.config import Settings, load_settings
from medwms.core.db import Database
from medwms.core.errors import DomainError, ValidationError
from medwms.ledger.checkpoints import Anchor, load_anchor
from medwms.runtime.effective import EffectiveSettings

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def settings() -> Settings:
    return load_settings()


@contextmanager
def database(config: Settings | None = None) -> Iterator[Database]:
    """The configured database, disposed afterwards."""
    db = Database((config or settings()).database_url)
    try:
        yield db
    finally:
        db.dispose()


def effective(config: Settings, db: Database) -> Settings:
    """The effective settings: `config` with the administrator's runtime values on top."""
    return EffectiveSettings(config, db).current()


def sealing_anchor(config: Settings) -> Anchor:
    """The anchor the sealer signs with (its key file is created on first use)."""
    anchor = load_anchor(config, create_key=True)
    if anchor is None:  # create_key makes one; this is for the type checker
        raise RuntimeError("no seal key could be created")
    return anchor


def cli_actor() -> Actor:
    """Who acts from the shell: the operating-system user, with admin rights.

    Whoever can run the CLI on the server can already read and write the database file;
    the audit log still names the OS account that acted.
    """
    return Actor(user_id=None, username=f"cli:{getpass.getuser()}",
                 roles=frozenset({Role.ADMIN}))


def report_errors(command: F) -> F:
    """Turn a DomainError into a red message (with every problem) and exit code 2."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DomainError as error:
            language = settings().language
            if isinstance(error, ValidationError):
                err_console.print(f"[red]{error.code}[/red]: {len(error.problems)} problem(s)")
                for problem in error.problems:
                    err_console.print(f"  - {problem}")
            else:
                err_console.print(f"[red]{error.code}[/red]: {error.message(language)}")
            raise typer.Exit(2) from error

    return wrapper  # type: ignore[return-value]
