"""A newcomer's whole day on the demo data, in real Chromium, with no API call: receive the
demo notice (the cold line after its arrival temperature), inspect, put away, sell to a demo
customer, pick the demo wave, verify, pack and ship ambient and cold goods, trace, open a
mock recall and take a return — in zh-CN and in English, on a fresh demo each, failing on
any untranslated code a page shows.

What to scan comes from the demo barcode sheet (`medwms.demo.sheet`), as a person with the
printed sheet would read it; everything is done through the pages and stations."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from medwms.auth.rules import SYSTEM
from medwms.core.db import Database
from medwms.demo import load_demo
from medwms.demo.sheet import Code, Sheet, demo_sheet, order_codes
from medwms.ledger import queries as ledger
from medwms.ledger.tables import Movement
from medwms.masterdata.storage import is_cold_chain
from medwms.masterdata.tables import Item, Packaging
from tests.e2e.web.live import login, logout, scan, start_server
from tests.e2e.web.untranslated import assert_translated
from tests.support.sealing import anchor_in, sealed_report

HANDHELD = {"width": 360, "height": 740}


@pytest.fixture(params=["zh-CN", "en"])
def day(request, browser, tmp_path) -> Iterator[tuple[object, str, Database, str]]:
    """A fresh demo database and server per language, and a handheld-sized page."""
    from medwms.core import migrate

    db = Database(f"sqlite:///{tmp_path / 'day.db'}")
    migrate.upgrade(db.engine)
    load_demo(db, actor=SYSTEM)
    live = start_server(db)
    context = browser.new_context(viewport=HANDHELD, locale=request.param)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page, live.url, db, request.param
    context.close()
    live.stop()
    db.dispose()


def sheet(db: Database) -> Sheet:
    with db.reading() as session:
        return demo_sheet(session)


def section(db: Database, key: str) -> list[Code]:
    return next(s.codes for s in sheet(db).sections if s.key == key)


def codes_of(db: Database, order_no: str) -> list[Code]:
    with db.reading() as session:
        return order_codes(session, order_no)


def is_cold(db: Database, code: Code) -> bool:
    gtin = code.label.udi.gtin  # type: ignore[union-attr]
    with db.reading() as session:
        item = session.scalars(select(Item).join(Packaging, Packaging.item_id == Item.id)
                               .where(Packaging.gtin == gtin)).one()
        return is_cold_chain(item.temp_min, item.temp_max)


def text_of(code: Code) -> str:
    """What the scanner types for a unit label: its GS1 element string."""
    return code.label.udi.element_string()  # type: ignore[union-attr]


class Walk:
    """The person's session: sign in as a demo user in the day's language, check each page."""

    def __init__(self, page, url: str, lang: str) -> None:
        self.page, self.url, self.lang = page, url, lang
        self.user: str | None = None

    def as_user(self, role: str) -> None:
        if self.user:
            logout(self.page)
        login(self.page, self.url, role, f"{role}-demo-2026")
        if self.lang == "en" and self.user is None:
            self.page.goto(f"{self.url}/lang/en?next=/")
        self.user = role

    def go(self, path: str) -> None:
        self.page.goto(f"{self.url}{path}")
        self.checked()

    def checked(self) -> None:
        self.page.wait_for_load_state()
        assert_translated(self.page, self.lang)

    def accepted(self, n: int) -> None:
        """Wait for the station's `n`-th accepted scan; a refusal fails with its words."""
        ok = self.page.locator(".history li.ok, .history li.warn").nth(n - 1)
        bad = self.page.locator(".scan-result.bad")
        ok.or_(bad).first.wait_for()
        assert ok.is_visible(), bad.inner_text()


def receive_the_notice(walk: Walk, db: Database) -> str:
    walk.as_user("receiver")
    walk.go("/stations/receiving")
    scan(walk.page, "#D:ASN-DEMO-SH1")
    walk.page.wait_for_url(re.compile(r".*/stations/receiving/RCV-.*"))
    walk.checked()
    walk.page.locator("#arrival").evaluate("d => d.open = true")
    walk.page.fill("#arrival-form input[name=temperature]", "5.2")
    walk.page.fill("#arrival-form input[name=logger_id]", "LOG-DAY-1")
    walk.page.click("#arrival-form button[type=submit]")
    walk.page.locator("#arrival-form").wait_for(state="hidden")
    n = 0
    for code in section(db, "notice"):
        for _ in range(code.scans or 1):
            scan(walk.page, text_of(code))
            n += 1
            walk.accepted(n)
    walk.checked()
    walk.page.once("dialog", lambda dialog: dialog.accept())
    walk.page.click("#close-receipt")
    walk.page.locator("#closed").wait_for()
    walk.checked()
    return walk.page.url.rsplit("/", 1)[1]


def inspect_the_syringes(walk: Walk) -> None:
    walk.as_user("inspector")
    walk.go("/stations/inspection")
    walk.page.locator(".pending li", has_text="WG-SYR-103").locator("button.inspect").click()
    walk.page.wait_for_url(re.compile(r".*/stations/inspection/QC-.*"))
    walk.checked()
    walk.page.fill("input[name=sample_size]", "2")
    for name in ("packaging_ok", "label_ok", "certificate_ok"):
        walk.page.select_option(f"select[name={name}]", "true")
    walk.page.check("input[name=conclusion][value=ACCEPT]")
    walk.page.fill("input[name=password]", "inspector-demo-2026")
    walk.page.click("#conclude button[type=submit]")
    walk.page.locator(".record .signature").wait_for()
    walk.checked()


def put_away_the_syringes(walk: Walk, db: Database) -> None:
    walk.as_user("receiver")
    walk.go("/stations/putaway")
    syringes = next(c for c in section(db, "notice") if "SYR" in c.label.name_zh
                    or "syringe" in c.label.name_en.lower())  # type: ignore[union-attr]
    scan(walk.page, text_of(syringes))
    suggested = walk.page.locator(".panel.target .suggested")
    suggested.wait_for()
    walk.checked()
    scan(walk.page, f"#L:{suggested.inner_text()}")
    walk.accepted(2)
    walk.checked()


def sell_the_open_order(walk: Walk) -> None:
    walk.as_user("manager")
    walk.go("/orders/OUT-DEMO-XHH")
    walk.page.click("button.allocate")
    walk.page.locator(".panel.order[data-status=ALLOCATED]").wait_for()
    walk.checked()
    walk.page.click("button.make-wave")
    walk.page.wait_for_url(re.compile(r".*/waves/WAV-.*"))
    walk.checked()


def pick_the_demo_wave(walk: Walk, db: Database) -> None:
    wave = sheet(db).documents.wave
    walk.as_user("picker")
    walk.go("/stations/picking")
    scan(walk.page, f"#D:{wave}")
    walk.page.wait_for_url(f"**/stations/picking/{wave}")
    walk.checked()
    codes = section(db, "wave")
    n = 0
    for stop in walk.page.locator(".stops > li").evaluate_all(
            "els => els.map(e => e.dataset.location)"):
        scan(walk.page, f"#L:{stop}")
        n += 1
        walk.accepted(n)
        for code in (c for c in codes if c.where == stop):
            for _ in range(code.scans or 1):
                scan(walk.page, text_of(code))
                n += 1
                walk.accepted(n)
    walk.page.locator(".wave-left", has_text="0").wait_for()
    walk.checked()


def verify_the_orders(walk: Walk, db: Database) -> None:
    walk.as_user("verifier")
    for order_no in sheet(db).documents.wave_orders:
        codes = codes_of(db, order_no)
        walk.go("/stations/verification")
        walk.page.click(f"button.start[data-order='{order_no}']")
        walk.page.wait_for_url(re.compile(r".*/stations/verification/VER-.*"))
        n = 0
        for code in codes:
            for _ in range(code.scans or 1):
                scan(walk.page, text_of(code))
                n += 1
                walk.accepted(n)
        walk.page.click("#finish")
        walk.page.locator(".panel.verification[data-status=PASSED]").wait_for()
        walk.checked()


def add_unit(walk: Walk, *, cold: bool) -> None:
    page = walk.page
    page.locator("#new-unit").evaluate("d => d.open = true")
    box = page.locator("#unit-form input[name=cold]")
    if box.count():
        box.set_checked(cold)
    if cold:
        page.fill("#unit-form input[name=box_id]", "BOX-DAY")
        page.fill("#unit-form input[name=logger_id]", "LOG-DAY-2")
        page.fill("#unit-form input[name=dispatch_temp]", "4.5")
    count = page.locator(".units li.unit").count()
    page.click("#unit-form button[type=submit]")
    page.locator(".units li.unit").nth(count).wait_for()


def ship_the_orders(walk: Walk, db: Database) -> list[str]:
    walk.as_user("shipper")  # packing and shipping need shipping.ship: not the picker's
    shipped = []
    for order_no in sheet(db).documents.wave_orders:
        walk.go("/stations/shipping")
        walk.page.click(f"button.start[data-order='{order_no}']")
        walk.page.wait_for_url(re.compile(r".*/stations/shipping/SHP-.*"))
        walk.checked()
        for cold in (False, True):
            codes = [c for c in codes_of(db, order_no) if is_cold(db, c) == cold]
            if not codes:
                continue
            add_unit(walk, cold=cold)
            n = 0
            for code in codes:
                for _ in range(code.scans or 1):
                    scan(walk.page, text_of(code))
                    n += 1
                    walk.accepted(n)
        walk.page.fill("#confirm-form input[name=carrier]", "顺丰速运")
        walk.page.fill("#confirm-form input[name=waybill]", "SF2026120601")
        walk.page.click("#confirm-form button[type=submit]")
        walk.page.locator(".panel.shipment[data-status=SHIPPED]").wait_for()
        walk.checked()
        shipped.append(walk.page.locator(".panel.shipment").get_attribute("data-shipment"))
    return shipped


def trace_and_drill(walk: Walk, db: Database) -> None:
    recalled = section(db, "recall")[0].label.udi  # type: ignore[union-attr]
    walk.as_user("manager")
    walk.go(f"/trace?gtin={recalled.gtin}&lot={recalled.lot or ''}")
    walk.go("/recalls")
    walk.page.click("a.open-mock")
    walk.page.fill("input[name=gtin]", recalled.gtin)
    walk.page.fill("input[name=lots]", recalled.lot or "")
    walk.page.check("input[name=risk_class][value=II]")
    walk.page.fill("textarea[name=reason]", "召回演练" if walk.lang == "zh-CN" else "Recall drill")
    walk.page.click("#recall-form button[type=submit]")
    walk.page.wait_for_url(re.compile(r".*/recalls/MCK-.*"))
    walk.checked()


def counted_zone(db: Database) -> list[tuple[Code, str, int]]:
    """The count plan's units as the sheet prints them, with where they lie and how many."""
    with db.reading() as session:
        rows = ledger.stock(session, ledger.StockFilter(warehouse="BJ1", zone="QA"))
        found = [(row.location, row.quantity) for row in rows]
    return [(code, where, n) for code, (where, n) in zip(section(db, "count"), found,
                                                         strict=True)]


def count_locations(walk: Walk, plan_no: str, units: list[tuple[Code, str, int]], *,
                    short: int) -> None:
    """Open each location of the plan, key each row's quantity (`short` fewer on the first
    row holding more than that)
    and scan its label once, then close it; locations with nothing are closed empty."""
    page = walk.page
    locations = page.locator("ul.locations li[data-location]").evaluate_all(
        "els => els.map(e => e.dataset.location)")
    for location in locations:
        walk.go(f"/stations/counting/plans/{plan_no}")
        row = page.locator(f"ul.locations li[data-location='{location}']")
        if row.locator("button.start").count():
            row.locator("button.start").click()
        else:
            scan(page, f"#L:{location}")
        page.wait_for_url(re.compile(r".*/stations/counting/tasks/\d+"))
        here = [(c, n) for c, where, n in units if where == location]
        for k, (code, n) in enumerate(here, start=1):
            less, short = (short, 0) if n > short else (0, short)
            page.fill("#pack-quantity", str(n - less))
            page.press("#pack-quantity", "Enter")
            scan(page, text_of(code))
            walk.accepted(k)
        walk.checked()
        if here:
            page.click("#close")
        else:
            page.once("dialog", lambda dialog: dialog.accept())
            page.click("#close-empty")
        page.locator("p.closed").wait_for()


def count_with_a_recount(walk: Walk, db: Database) -> None:
    """The picker counts half a row short; the receiver recounts right (no variance is
    left); the manager approves with a signature."""
    plan_no = str(sheet(db).documents.count_plan)
    units = counted_zone(db)
    walk.as_user("picker")
    walk.go(f"/stations/counting/plans/{plan_no}")
    short = max(n for _, _, n in units) // 2  # well outside any tolerance: a recount
    count_locations(walk, plan_no, units, short=short)
    walk.as_user("receiver")
    walk.go(f"/stations/counting/plans/{plan_no}")
    assert walk.page.locator("ul.locations li[data-round='2']").count() == 1
    count_locations(walk, plan_no, units, short=0)
    walk.as_user("manager")
    walk.go(f"/counting/plans/{plan_no}")
    assert walk.page.locator("ul.variances li.variance").count() == 0  # the recount was right
    walk.page.fill("#approve-form input[name=password]", "manager-demo-2026")
    walk.page.click("#approve-form button[type=submit]")
    walk.page.locator(".panel.count-plan-admin[data-status=APPROVED]").wait_for()
    walk.checked()


def take_a_return(walk: Walk, shipment_no: str, code: Code) -> None:
    walk.go("/stations/returns")
    walk.page.fill("input[name=shipment_no]", f"#D:{shipment_no}")
    walk.page.fill("input[name=reason]", "包装破损" if walk.lang == "zh-CN" else "Box damaged")
    walk.page.locator("#return-form button[type=submit]").press("Enter")
    walk.page.wait_for_url(re.compile(r".*/stations/returns/RET-.*"))
    scan(walk.page, text_of(code))
    walk.accepted(1)
    walk.checked()


def test_a_newcomer_walks_the_whole_demo_day_in_the_browser(day, tmp_path):
    page, url, db, lang = day
    walk = Walk(page, url, lang)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if r.resource_type == "document"
            and "/api/" in r.url else None)
    receipt_no = receive_the_notice(walk, db)
    inspect_the_syringes(walk)
    put_away_the_syringes(walk, db)
    sell_the_open_order(walk)
    pick_the_demo_wave(walk, db)
    verify_the_orders(walk, db)
    shipments = ship_the_orders(walk, db)
    trace_and_drill(walk, db)
    count_with_a_recount(walk, db)
    first = codes_of(db, sheet(db).documents.wave_orders[0])[0]
    take_a_return(walk, shipments[0], first)
    assert not requests  # every step a page or a station, never an API document
    with db.reading() as s:
        kinds = set(s.scalars(select(Movement.kind).where(Movement.doc_no.in_(
            [receipt_no, *shipments]))))
    assert {"RECEIVE", "SHIP"} <= kinds
    # The test server runs no sealer: seal what the walk wrote, then check balances and chains.
    assert sealed_report(db, anchor_in(tmp_path)).ok
