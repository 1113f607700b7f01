"""`medwms users`: add, list, disable, enable, unlock, reset passwords, set roles and
warehouses, API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Column, Table

from medwms.auth import queries, service, signin
from medwms.auth.rules import ROLE_PERMISSIONS, Role
from medwms.auth.scopes import ApiScope
from medwms.cli.common import cli_actor, console, database, report_errors, settings
from medwms.core.clock import local_text, utc_now

app = typer.Typer(help="Users, roles and API tokens / 用户、角色与 API 令牌", no_args_is_help=True)

PASSWORD_ENV = "MEDWMS_NEW_PASSWORD"  # noqa: S105 — the name of a variable

Reason = Annotated[str, typer.Option("--reason", "-r", help="Why (kept in the audit log)")]
Password = Annotated[str | None, typer.Option(
    "--password", envvar=PASSWORD_ENV, show_envvar=True,
    help="The password; else asked for without echo")]


def _say(en: str, zh: str) -> None:
    console.print(zh if settings().language == "zh-CN" else en)


def _password(given: str | None) -> str:
    if given:
        return given
    return str(typer.prompt("Password / 密码", hide_input=True, confirmation_prompt=True))


@app.command("add")
@report_errors
def add(username: str, *,
        roles: Annotated[list[str], typer.Option("--role", help="A role; repeat for more")],
        display_name: Annotated[str, typer.Option("--name", help="Full name")] = "",
        language: Annotated[str, typer.Option(help="zh-CN or en")] = "zh-CN",
        warehouse_codes: Annotated[list[str] | None, typer.Option(
            "--warehouse", help="A warehouse the roles apply to; repeat for more; "
                                "none: every warehouse")] = None,
        must_change: Annotated[bool, typer.Option(
            "--must-change", help="They must change the password at their first sign-in")
        ] = False,
        password: Password = None, reason: Reason = "") -> None:
    """Add a user with roles, a password and (optionally) the warehouses they work in."""
    secret = _password(password)
    with database() as db:
        view = service.create_user(db, actor=cli_actor(), username=username,
                                   display_name=display_name, password=secret, roles=roles,
                                   language=language, warehouses=warehouse_codes or [],
                                   must_change=must_change, reason=reason)
    scope_en = ", ".join(view.warehouses) or "every warehouse"
    scope_zh = "、".join(view.warehouses) or "全部仓库"
    change_en = "; must change the password at the first sign-in" if must_change else ""
    change_zh = "；首次登录时须修改密码" if must_change else ""
    roles_en, roles_zh = ", ".join(view.roles), "、".join(view.roles)
    _say(f"Created user {view.username} ({roles_en}) for {scope_en}{change_en}.",
         f"已创建用户 {view.username}（{roles_zh}），仓库范围：{scope_zh}{change_zh}。")


@app.command("list")
@report_errors
def list_(active_only: Annotated[bool, typer.Option("--active", help="Hide disabled")] = False
          ) -> None:
    """List users and their roles."""
    with database() as db, db.reading() as session:
        views = queries.list_users(session, actor=cli_actor(),
                                   include_disabled=not active_only)
    table = Table(Column("username", no_wrap=True), "name", Column("roles", no_wrap=True),
                  "active", "language", "password changed", "sign-in")
    zone, now = settings().timezone, utc_now()
    for v in views:
        table.add_row(v.username, v.display_name, ", ".join(v.roles),
                      "yes" if v.active else "[red]no[/red]", v.language,
                      local_text(v.password_changed_at, zone), _sign_in_state(v, zone, now))
    console.print(table)


def _sign_in_state(view: queries.UserView, zone: str, now: datetime) -> str:
    """Locked until …, must change password, n failures, or nothing."""
    states = []
    if view.locked_until is not None and view.locked_until > now:
        states.append(f"[red]locked until {local_text(view.locked_until, zone)}[/red]")
    elif view.failed_logins:
        states.append(f"{view.failed_logins} failed")
    if view.must_change_password:
        states.append("[yellow]must change password[/yellow]")
    return ", ".join(states)


@app.command("disable")
@report_errors
def disable(username: str, reason: Reason = "") -> None:
    """Disable a user: no logins, their tokens stop working."""
    with database() as db:
        service.disable_user(db, actor=cli_actor(), username=username, reason=reason)
    _say(f"Disabled {username}.", f"已停用 {username}。")


@app.command("enable")
@report_errors
def enable(username: str, reason: Reason = "") -> None:
    """Enable a disabled user."""
    with database() as db:
        service.enable_user(db, actor=cli_actor(), username=username, reason=reason)
    _say(f"Enabled {username}.", f"已启用 {username}。")


@app.command("unlock")
@report_errors
def unlock(username: Annotated[str | None, typer.Argument(help="Whose lockout to lift")] = None,
           address: Annotated[str | None, typer.Option(
               help="Lift a client address's lockout instead (IPv6: any address of its /64)"
           )] = None,
           reason: Reason = "") -> None:
    """Lift a sign-in lockout (of a username, or of a client address) and forget its failures."""
    if (username is None) == (address is None):
        raise typer.BadParameter("give a username or --address, not both "
                                 "/ 请给出用户名或 --address（二选一）")
    with database() as db:
        if username is not None:
            signin.unlock_user(db, actor=cli_actor(), username=username, reason=reason)
            _say(f"Unlocked {username}: it may sign in again.",
                 f"已解锁 {username}，可以重新登录。")
            return
        assert address is not None
        counted = signin.unlock_address(db, actor=cli_actor(), address=address, reason=reason)
    _say(f"Unlocked address {address}" + ("." if counted else " (it had no failures)."),
         f"已解锁地址 {address}" + ("。" if counted else "（该地址没有失败记录）。"))


@app.command("reset-password")
@report_errors
def reset_password(username: str, password: Password = None, reason: Reason = "",
                   must_change: Annotated[bool, typer.Option(
                       "--must-change", help="They must change it at their next sign-in")
                   ] = False) -> None:
    """Set a user's password; their sessions, login tokens and API tokens stop working."""
    secret = _password(password)
    with database() as db:
        service.reset_password(db, actor=cli_actor(), username=username, new_password=secret,
                               must_change=must_change, reason=reason)
    _say(f"Password of {username} changed.", f"已重置 {username} 的密码。")


@app.command("roles")
@report_errors
def roles(username: Annotated[str | None, typer.Argument(help="Whose roles to set")] = None,
          new_roles: Annotated[list[str] | None, typer.Argument(help="The new roles")] = None,
          reason: Reason = "") -> None:
    """Without arguments: list the roles and their permissions. Else: set a user's roles."""
    if username is None:
        table = Table("role", "permissions")
        for role in Role:
            table.add_row(role.value, ", ".join(sorted(p.value for p in ROLE_PERMISSIONS[role])))
        console.print(table)
        return
    with database() as db:
        view = service.set_roles(db, actor=cli_actor(), username=username,
                                 roles=new_roles or [], reason=reason)
    _say(f"Roles of {username}: {', '.join(view.roles) or '(none)'}.",
         f"{username} 的角色：{'、'.join(view.roles) or '（无）'}。")


@app.command("warehouses")
@report_errors
def warehouses(username: Annotated[str, typer.Argument(help="Whose scope to set")],
               codes: Annotated[list[str] | None, typer.Argument(
                   help="Warehouse codes the user's roles apply to; none: every warehouse")
               ] = None,
               reason: Reason = "") -> None:
    """Limit a user's roles to chosen warehouses (no codes: every warehouse)."""
    with database() as db:
        view = service.set_warehouses(db, actor=cli_actor(), username=username,
                                      warehouses=codes or [], reason=reason)
    _say(f"Warehouses of {username}: {', '.join(view.warehouses) or 'all'}.",
         f"{username} 的仓库范围：{'、'.join(view.warehouses) or '全部'}。")


@app.command("api-token")
@report_errors
def api_token(username: str,
              name: Annotated[str, typer.Option(help="What it is for, e.g. erp")] = "api",
              scope: Annotated[ApiScope, typer.Option(
                  help="read-only: GET only; stations: reads + station writes; "
                       "integration: reads + master data, notices, orders, sensor readings")
              ] = ApiScope.READ_ONLY,
              days: Annotated[int | None, typer.Option(
                  help="Lifetime in days (default and most: MEDWMS_API_TOKEN_MAX_DAYS)")
              ] = None) -> None:
    """Create an API token with a scope and an expiry; it is printed this once."""
    config = settings()
    with database(config) as db:
        new = service.create_api_token(db, actor=cli_actor(), username=username, name=name,
                                       scope=scope.value, days=days,
                                       max_days=config.api_token_max_days)
    _say(f"API token {new.view.id} for {username} (store it now, it is not shown again):",
         f"{username} 的 API 令牌 {new.view.id}（请立即保存，之后无法再次查看）：")
    console.print(new.token, soft_wrap=True, highlight=False)


@app.command("revoke-token")
@report_errors
def revoke_token(token_id: int, reason: Reason = "") -> None:
    """Revoke an API token by its id."""
    with database() as db:
        service.revoke_api_token(db, actor=cli_actor(), token_id=token_id, reason=reason)
    _say(f"API token {token_id} revoked.", f"API 令牌 {token_id} 已吊销。")
