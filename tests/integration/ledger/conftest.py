"""What the ledger tests share: a site with locations, an item and a lot."""

from __future__ import annotations

import pytest

from medwms.core.db import Database
from tests.support.builders import make_item, make_lot, make_site


@pytest.fixture
def world(db: Database):
    with db.unit_of_work() as uow:
        site = make_site(uow.session)
        item = make_item(uow.session)
        lot = make_lot(uow.session, item)
        uow.commit()
    return site, item, lot
