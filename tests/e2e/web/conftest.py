"""Browser tests: a live uvicorn server on a temp SQLite database, and Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from medwms.core.db import Database
from tests.e2e.web.live import CHROMIUM, SCREENSHOTS, LiveServer, start_server

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium per test module (skipped without playwright or Chromium)."""
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="browser tests need `pip install playwright`")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A migrated SQLite database for one module's live server."""
    from medwms.core import migrate

    db = Database(f"sqlite:///{tmp_path_factory.mktemp('web') / 'medwms.db'}")
    migrate.upgrade(db.engine)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def server(live_db: Database,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn serving the whole app on 127.0.0.1 and a free port (kept scans in a temp dir)."""
    live = start_server(live_db, attachments_dir=str(tmp_path_factory.mktemp("attachments")))
    yield live
    live.stop()
