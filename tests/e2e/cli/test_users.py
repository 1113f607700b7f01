"""`medwms users` through Typer's CliRunner on a migrated temporary SQLite database."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from medwms.auth import queries, service, sessions, signin
from medwms.auth.errors import AccountLocked, LoginFailed
from medwms.auth.rules import SYSTEM
from medwms.cli.common import console
from medwms.cli.users import app as users_app
from medwms.config import Settings
from medwms.core import migrate
from medwms.core.clock import utc_now
from medwms.core.db import Database
from medwms.core.errors import NotAuthenticated
from medwms.masterdata import service as masterdata

PASSWORD = "cli-password-1"

root = typer.Typer()
root.add_typer(users_app, name="users")


@pytest.fixture
def url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = Database(url)
    migrate.upgrade(db.engine)
    db.dispose()
    monkeypatch.setenv("MEDWMS_DATABASE_URL", url)
    monkeypatch.setenv("MEDWMS_LANGUAGE", "en")
    monkeypatch.delenv("MEDWMS_NEW_PASSWORD", raising=False)
    monkeypatch.setattr(console, "width", 160)
    return url


def run(*args: str, **kwargs):
    return CliRunner().invoke(root, ["users", *args], **kwargs)


def login(url: str, username: str, password: str) -> str:
    db = Database(url)
    try:
        return signin.login(db, settings=Settings(database_url=url), username=username,
                             password=password).access_token
    finally:
        db.dispose()


def test_add_then_list_shows_the_user_and_roles(url):
    added = run("add", "alice", "--role", "receiver", "--role", "inspector",
                "--name", "Alice Li", "--password", PASSWORD, "--reason", "new hire")
    assert added.exit_code == 0, added.output
    assert "Created user alice (inspector, receiver)" in added.output
    listed = run("list")
    assert listed.exit_code == 0
    assert "alice" in listed.output and "Alice Li" in listed.output
    assert "inspector, receiver" in listed.output
    assert login(url, "alice", PASSWORD)


def test_add_for_chosen_warehouses_with_a_password_to_change(url):
    db = Database(url)
    try:
        for code in ("WHA", "WHB"):
            masterdata.create_record(db=db, actor=SYSTEM, kind="warehouses", now=utc_now(),
                                     values={"code": code, "name": f"Warehouse {code}"})
    finally:
        db.dispose()
    added = run("add", "wu", "--role", "receiver", "--warehouse", "WHB", "--warehouse", "WHA",
                "--must-change", "--password", PASSWORD)
    assert added.exit_code == 0, added.output
    assert "Created user wu (receiver) for WHA, WHB; must change the password" in added.output
    assert "must change password" in run("list").output
    db = Database(url)
    try:
        with db.reading() as session:
            view = queries.get_user(session, actor=SYSTEM, username="wu")
    finally:
        db.dispose()
    assert list(view.warehouses) == ["WHA", "WHB"] and view.must_change_password
    plain = run("add", "li", "--role", "picker", "--password", PASSWORD)
    assert "Created user li (picker) for every warehouse." in plain.output
    unknown = run("add", "ma", "--role", "picker", "--warehouse", "NOPE", "--password", PASSWORD)
    assert unknown.exit_code == 2 and "UNKNOWN_WAREHOUSE" in unknown.output
    assert "ma " not in run("list").output


def test_the_password_can_come_from_the_environment(url):
    result = run("add", "bob", "--role", "picker", env={"MEDWMS_NEW_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert login(url, "bob", PASSWORD)


def test_the_password_is_prompted_for_without_echo(url):
    result = run("add", "carol", "--role", "picker", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert login(url, "carol", PASSWORD)


def test_disable_stops_the_user_logging_in(url):
    run("add", "alice", "--role", "picker", "--password", PASSWORD)
    result = run("disable", "alice", "--reason", "left")
    assert result.exit_code == 0, result.output
    assert "no" in run("list").output
    with pytest.raises(LoginFailed):
        login(url, "alice", PASSWORD)
    assert run("enable", "alice").exit_code == 0
    assert login(url, "alice", PASSWORD)


def test_errors_are_reported_with_their_code_and_exit_2(url):
    bad_role = run("add", "alice", "--role", "wizard", "--password", PASSWORD)
    assert bad_role.exit_code == 2
    assert "UNKNOWN_ROLE" in bad_role.output
    missing = run("disable", "ghost")
    assert missing.exit_code == 2 and "USER_NOT_FOUND" in missing.output


def test_reset_password_and_roles(url):
    run("add", "alice", "--role", "picker", "--password", PASSWORD)
    assert run("reset-password", "alice", "--password", "another-pass-2").exit_code == 0
    assert login(url, "alice", "another-pass-2")
    result = run("roles", "alice", "verifier", "picker")
    assert result.exit_code == 0, result.output
    assert "picker, verifier" in result.output
    assert "picking.verify" in run("roles").output


def test_an_api_token_is_printed_once_and_can_be_revoked(url):
    run("add", "erp", "--role", "integrator", "--password", PASSWORD)
    result = run("api-token", "erp", "--name", "ERP", "--days", "30")
    assert result.exit_code == 0, result.output
    token = next(w for w in result.output.split() if w.startswith("mwk_"))
    db = Database(url)
    try:
        with db.reading() as s:
            who = sessions.actor_from_token(s, Settings(database_url=url), token)
        assert who.username == "erp"
        assert run("revoke-token", "1").exit_code == 0
        with db.reading() as s, pytest.raises(NotAuthenticated):
            sessions.actor_from_token(s, Settings(database_url=url), token)
    finally:
        db.dispose()


def test_ensure_admin_is_idempotent_on_a_cli_database(url):
    db = Database(url)
    try:
        assert service.ensure_admin(db, username="admin", password=PASSWORD, actor=SYSTEM)
        assert not service.ensure_admin(db, username="admin", password=PASSWORD, actor=SYSTEM)
    finally:
        db.dispose()
    assert "admin" in run("list").output


def test_unlock_lifts_a_lockout_and_list_shows_it_first(url):
    run("add", "alice", "--role", "picker", "--password", PASSWORD)
    settings = Settings(database_url=url, login_free_failures=5)
    db = Database(url)
    try:
        for _ in range(5):
            with pytest.raises((LoginFailed, AccountLocked)):
                signin.login(db, settings=settings, username="alice", password="wrong-pass-1")
    finally:
        db.dispose()
    assert "locked until" in run("list").output
    result = run("unlock", "alice", "--reason", "called the desk")
    assert result.exit_code == 0, result.output
    assert "Unlocked alice" in result.output
    assert "locked until" not in run("list").output
    assert login(url, "alice", PASSWORD)


def test_unlock_an_address_and_refuse_both_or_neither(url):
    result = run("unlock", "--address", "192.0.2.7")
    assert result.exit_code == 0, result.output
    assert "it had no failures" in result.output
    assert run("unlock").exit_code == 2
    assert run("unlock", "alice", "--address", "192.0.2.7").exit_code == 2


def test_a_reset_can_force_a_change_at_the_next_sign_in(url):
    run("add", "alice", "--role", "picker", "--password", PASSWORD)
    result = run("reset-password", "alice", "--password", "temporary-pass-1", "--must-change")
    assert result.exit_code == 0, result.output
    assert "must change password" in run("list").output


def test_an_api_token_has_the_scope_asked_for_and_a_lifetime_within_the_most(url, monkeypatch):
    run("add", "erp", "--role", "integrator", "--password", PASSWORD)
    monkeypatch.setenv("MEDWMS_API_TOKEN_MAX_DAYS", "30")
    too_long = run("api-token", "erp", "--scope", "integration", "--days", "31")
    assert too_long.exit_code == 2 and "BAD_API_TOKEN" in too_long.output
    made = run("api-token", "erp", "--scope", "integration")
    assert made.exit_code == 0, made.output
    token = next(w for w in made.output.split() if w.startswith("mwk_"))
    db = Database(url)
    try:
        with db.reading() as s:
            assert sessions.verify_token(s, Settings(database_url=url), token).scope == \
                "integration"
    finally:
        db.dispose()
