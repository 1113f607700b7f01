"""User administration in real Chromium: an admin creates a picker of one warehouse, who signs
in, changes the first password and sees only a picker's menu; the admin changes the roles
(old and new values in the user's history), issues an API token (shown once, it works on
/api) and revokes it (then /api refuses it). The pages in zh-CN and English show words."""

from __future__ import annotations

import httpx
import pytest

from medwms.auth import queries, service
from medwms.auth.rules import SYSTEM, Actor
from medwms.web.menu import menu_for
from tests.e2e.web.forms_data import DESK
from tests.e2e.web.live import login, logout, no_horizontal_scroll, shot
from tests.e2e.web.untranslated import assert_translated
from tests.support.builders import make_site
from tests.support.users import PASSWORD

FIRST, OWN = "first-pass-83", "own-chosen-61"


@pytest.fixture(scope="module")
def world(live_db):
    with live_db.unit_of_work() as uow:
        make_site(uow.session, "WH1")
        make_site(uow.session, "WH2")
        uow.commit()
    service.create_user(live_db, actor=SYSTEM, username="root", display_name="Root",
                        password=PASSWORD, roles=["admin"])


def page_in(browser, url: str, lang: str):
    context = browser.new_context(viewport=DESK, locale=lang)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{url}/lang/{lang}?next=/login")
    return page


def admin_page(browser, url: str, lang: str):
    page = page_in(browser, url, lang)
    login(page, url, "root", PASSWORD)
    return page


def user_of(db, username: str) -> queries.UserView:
    with db.reading() as s:
        return queries.get_user(s, actor=SYSTEM, username=username)


def create_wang(page, url: str) -> None:
    page.click("details.menu summary")
    assert page.locator("nav h2", has_text="Administration").count() == 1
    page.click("nav a[href='/users']")
    page.click("a.new-user")
    page.fill("input[name=username]", "wang")
    page.fill("input[name=display_name]", "Wang Wei")
    page.check("input[name=roles][value=picker]")
    page.check("input[name=warehouses][value=WH2]")
    page.fill("#user-form input[name=password]", FIRST)
    page.fill("#user-form input[name=password_again]", FIRST)
    assert page.locator("input[name=must_change]").is_checked()
    page.fill("#user-form input[name=reason]", "WH2 新拣货员")
    shot(page, "user-new-1280")
    page.click("#user-form button[type=submit]")
    page.wait_for_url("**/users/wang?done=created")


def test_an_admin_creates_a_picker_who_sees_only_a_pickers_menu(browser, server, live_db,
                                                               world):
    page = admin_page(browser, server.url, "en")
    create_wang(page, server.url)
    assert page.locator(".facts .roles").inner_text().strip() == "Picker"
    assert page.locator(".facts .scope").inner_text().strip() == "WH2"
    created = page.locator("table.audit-history tbody tr").first
    assert "User created" in created.inner_text() and "WH2 新拣货员" in created.inner_text()
    wang = user_of(live_db, "wang")
    assert (wang.roles, wang.warehouses, wang.must_change_password) == (("picker",), ("WH2",),
                                                                        True)
    logout(page)

    login(page, server.url, "wang", FIRST)
    page.wait_for_url("**/account/password")
    page.fill("input[name=old_password]", FIRST)
    page.fill("input[name=new_password]", OWN)
    page.fill("input[name=new_password_again]", OWN)
    page.click("main button[type=submit]")
    page.wait_for_url("**/login?changed=1")
    login(page, server.url, "wang", OWN)
    page.click("details.menu summary")
    shown = page.locator("details.menu nav a[href^='/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    picker = Actor(user_id=wang.id, username="wang", roles=frozenset({"picker"}))
    assert shown[:-1] == [item.href for item in menu_for(picker)]  # then the password page
    assert "/users" not in shown and page.locator("nav h2", has_text="Administration").count() == 0
    page.goto(f"{server.url}/users")
    assert page.locator("[data-code=PERMISSION_DENIED]").count() == 1
    page.context.close()


def test_a_token_issued_on_the_page_works_on_the_api_until_it_is_revoked(browser, server,
                                                                        live_db, world):
    if not any(u.username == "wang" for u in _users(live_db)):
        service.create_user(live_db, actor=SYSTEM, username="wang", display_name="Wang Wei",
                            password=OWN, roles=["picker"], warehouses=["WH2"])
    page = admin_page(browser, server.url, "en")
    page.goto(f"{server.url}/users/wang")
    page.fill("#token input[name=name]", "handheld")
    page.select_option("#token select[name=scope]", "read-only")
    page.fill("#token input[name=days]", "30")
    page.click("#token button[type=submit]")
    secret = page.locator("input.secret").input_value()
    assert secret.startswith("mwk_")
    shot(page, "user-token-issued-1280")
    me = f"{server.url}/api/v1/auth/me"
    answer = httpx.get(me, headers={"Authorization": f"Bearer {secret}"})
    assert (answer.status_code, answer.json()["username"]) == (200, "wang")

    page.click("a.button.primary")
    page.wait_for_url("**/users/wang#tokens")
    assert secret not in page.content()
    row = page.locator("table.tokens tbody tr", has_text="handheld")
    assert row.get_attribute("data-state") == "active"
    row.locator("input[name=reason]").fill("手持终端遗失")
    row.locator("button[type=submit]").click()
    page.wait_for_url("**/users/wang?done=revoked#tokens")
    assert page.locator("table.tokens tbody tr", has_text="handheld").get_attribute(
        "data-state") == "revoked"
    refused = httpx.get(me, headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    revoked = page.locator("table.audit-history tbody tr").first
    assert "API token revoked" in revoked.inner_text() and "手持终端遗失" in \
        revoked.inner_text()
    page.context.close()


def _users(db) -> list[queries.UserView]:
    with db.reading() as s:
        return queries.list_users(s, actor=SYSTEM)


def test_in_chinese_a_role_change_shows_old_and_new_roles_and_the_pages_show_words(
        browser, server, live_db, world):
    if not any(u.username == "wang" for u in _users(live_db)):
        service.create_user(live_db, actor=SYSTEM, username="wang", display_name="Wang Wei",
                            password=OWN, roles=["picker"], warehouses=["WH2"])
    page = admin_page(browser, server.url, "zh-CN")
    page.goto(f"{server.url}/users/wang")
    page.check("#roles input[name=roles][value=verifier]")
    page.fill("#roles input[name=reason]", "兼任复核")
    page.click("#roles button[type=submit]")
    page.wait_for_url("**/users/wang?done=saved#roles")
    change = page.locator("table.audit-history tbody tr").first
    assert "修改角色" in change.inner_text() and "兼任复核" in change.inner_text()
    assert change.locator("del").inner_text() == "拣货员"
    assert change.locator("ins").inner_text() == "拣货员、复核员"
    assert user_of(live_db, "wang").roles == ("picker", "verifier")
    assert no_horizontal_scroll(page)
    shot(page, "user-page-zh-1280")
    assert_translated(page, "zh-CN")
    for path, heading in (("/users", "用户"), ("/roles", "角色与权限"), ("/users/new", "新建用户")):
        page.goto(f"{server.url}{path}")
        assert page.locator("h1").inner_text() == heading
        assert_translated(page, "zh-CN")
    assert "不得复核本人拣货" in page.goto(f"{server.url}/roles").text()
    page.context.close()


def test_in_english_the_pages_show_words_and_the_list_filters(browser, server, live_db, world):
    page = admin_page(browser, server.url, "en")
    page.goto(f"{server.url}/users?role=admin")
    assert page.locator("table.users tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.user)") == ["root"]
    page.fill("input[name=q]", "ROO")
    page.select_option("select[name=role]", "")
    page.click("form.user-filters button[type=submit]")
    assert page.locator("table.users tbody tr[data-user]").count() == 1
    for path in ("/users", "/roles", "/users/root", "/users/new"):
        page.goto(f"{server.url}{path}")
        assert_translated(page, "en")
        assert no_horizontal_scroll(page)
        shot(page, "users-en" + path.replace("/", "-") + "-1280")
    assert page.locator("h1").inner_text() == "New user"
    page.context.close()


def test_a_bad_username_is_named_beside_its_field_and_nothing_is_saved(browser, server,
                                                                      live_db, world):
    page = admin_page(browser, server.url, "zh-CN")
    before = len(_users(live_db))
    page.goto(f"{server.url}/users/new")
    page.fill("input[name=username]", "Li Lei")
    page.check("input[name=roles][value=receiver]")
    page.fill("#user-form input[name=password]", FIRST)
    page.fill("#user-form input[name=password_again]", FIRST)
    page.click("#user-form button[type=submit]")
    error = page.locator(".field-error[data-field=username]")
    error.wait_for()
    assert "用户名" in error.inner_text()
    assert page.locator("input[name=username]").get_attribute("aria-invalid") == "true"
    assert page.locator("input[name=roles][value=receiver]").is_checked()
    assert len(_users(live_db)) == before
    shot(page, "user-new-refused-1280")
    page.context.close()


def test_a_disabled_user_cannot_sign_in_and_a_reset_password_must_be_changed(browser, server,
                                                                             live_db, world):
    service.create_user(live_db, actor=SYSTEM, username="zhao", display_name="Zhao",
                        password=OWN, roles=["receiver"])
    page = admin_page(browser, server.url, "en")
    page.goto(f"{server.url}/users/zhao")
    page.fill("#active input[name=reason]", "离职")
    page.click("#active button.disable")
    page.wait_for_url("**/users/zhao?done=saved#active")
    assert not user_of(live_db, "zhao").active
    assert page.locator("#active button.enable").count() == 1
    other = page_in(browser, server.url, "en")
    login(other, server.url, "zhao", OWN)
    assert "/login" in other.url and other.locator(".msg.bad").count() == 1

    page.click("#active button.enable")
    page.wait_for_url("**/users/zhao?done=saved#active")
    page.fill("#password input[name=password]", FIRST)
    page.fill("#password input[name=password_again]", FIRST + "x")
    page.click("#password button[type=submit]")
    mismatch = page.locator("#password .field-error[data-field=password_again]")
    mismatch.wait_for()
    assert "not the same" in mismatch.inner_text()
    page.fill("#password input[name=password]", FIRST)
    page.fill("#password input[name=password_again]", FIRST)
    page.click("#password button[type=submit]")
    page.wait_for_url("**/users/zhao?done=saved#password")
    actions = page.locator("table.audit-history td.action").all_inner_texts()
    assert actions[:4] == ["Password reset by an administrator", "User enabled",
                           "Sign-in refused", "User disabled"]
    refused = page.locator("table.audit-history tbody tr").nth(2)
    assert "account disabled" in refused.inner_text()
    login(other, server.url, "zhao", FIRST)
    other.wait_for_url("**/account/password")
    other.context.close()
    page.context.close()


def test_the_user_list_comes_in_pages_of_25(browser, server, live_db, world):
    have = len(_users(live_db))
    for n in range(26 - have + 1):
        service.create_user(live_db, actor=SYSTEM, username=f"temp{n:02d}", display_name="",
                            password=OWN, roles=["auditor"])
    page = admin_page(browser, server.url, "en")
    page.goto(f"{server.url}/users")
    assert page.locator("table.users tbody tr[data-user]").count() == 25
    page.click("nav.pager a.next")
    page.wait_for_url("**page=2")
    rest = page.locator("table.users tbody tr[data-user]").count()
    assert rest == len(_users(live_db)) - 25 and rest >= 1
    assert page.locator("nav.pager a.prev").count() == 1
    page.context.close()
