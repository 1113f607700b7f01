"""The sign-in page in real Chromium: the lockout message says when to try again (zh-CN and
English), and a password the policy now refuses must be changed before anything else."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medwms.core.db import Database
from tests.e2e.web.live import LiveServer, login, shot, start_server
from tests.support.logins import user_with_old_password
from tests.support.users import PASSWORD, make_user

OLD = "wendy12345"  # ten characters, but the username with digits: today's policy refuses it
NEW = "vireo-lantern-42"


@pytest.fixture(scope="module")
def server(live_db: Database) -> Iterator[LiveServer]:
    """The live server, with no growing waits before the lockout (so five tries lock)."""
    make_user(live_db, "lily", "receiver")
    make_user(live_db, "liam", "receiver")
    user_with_old_password(live_db, "wendy", OLD, "receiver")
    live = start_server(live_db, login_free_failures=5)
    yield live
    live.stop()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def alert(page) -> str:
    return page.locator(".msg.bad").inner_text()


def test_a_locked_username_is_told_when_to_try_again_even_with_the_right_password(page, server):
    for _ in range(4):
        login(page, server.url, "lily", "wrong-password-1")
        assert "用户名或密码错误" in alert(page)
    login(page, server.url, "lily", "wrong-password-1")
    assert "连续 5 次登录失败，该用户名已锁定至" in alert(page)
    login(page, server.url, "lily", PASSWORD)
    message = alert(page)
    assert "已锁定至" in message and "+08:00" in message and "即使密码正确" in message
    assert page.locator(".msg.bad").get_attribute("data-code") == "ACCOUNT_LOCKED"
    assert "/login" in page.url
    shot(page, "login-locked-zh")
    page.click("a[lang=en]")
    login(page, server.url, "lily", PASSWORD)
    english = alert(page)
    assert "this username is locked until" in english and "+08:00" in english
    shot(page, "login-locked-en")


def test_another_username_is_not_locked_by_it(page, server):
    login(page, server.url, "liam", PASSWORD)
    assert page.locator("h1").inner_text().startswith("您好")


def test_an_old_weak_password_must_be_changed_before_anything_else(page, server):
    login(page, server.url, "wendy", OLD)
    page.wait_for_url("**/account/password")
    assert page.locator("[data-code=PASSWORD_CHANGE_REQUIRED]").is_visible()
    page.goto(f"{server.url}/stock")
    page.wait_for_url("**/account/password")
    change(page, OLD, NEW, "another-one-77")
    assert "两次输入的新密码不一致" in page.locator(".field-error").inner_text()
    change(page, OLD, "password123", "password123")
    assert "常见密码" in page.locator(".field-error").inner_text()
    shot(page, "password-refused-zh")
    change(page, OLD, NEW, NEW)
    page.wait_for_url("**/login?changed=1")
    assert "密码已修改" in page.locator(".msg.ok").inner_text()
    login(page, server.url, "wendy", NEW)
    assert page.locator("h1").inner_text().startswith("您好")
    page.goto(f"{server.url}/stock")
    assert page.locator("h1").inner_text() == "库存"


def change(page, old: str, new: str, again: str) -> None:
    page.fill("input[name=old_password]", old)
    page.fill("input[name=new_password]", new)
    page.fill("input[name=new_password_again]", again)
    page.click("#password-form button[type=submit]")
    page.wait_for_load_state()
