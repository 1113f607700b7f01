"""schemathesis against the app's own OpenAPI document, on a database holding the demo.

Every operation gets generated requests — valid ones and ones that break the schema — once as
an administrator (a real bearer token) and once without a token. Two checks: no answer is a
server error (`not_a_server_error`), and every answer conforms to the response schema the
OpenAPI document declares for its status (`response_schema_conformance`). The examples are
derandomized (the same requests on every run) and bounded per operation, so the whole run
stays within about three minutes on two cores. On PostgreSQL when MEDWMS_TEST_DATABASE_URL is
set (as in CI: it refuses NUL and over-long text where SQLite takes them), else on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, settings

from medwms.api.app import create_app
from medwms.auth import passwords, signin
from medwms.auth.rules import SYSTEM
from medwms.config import Settings
from medwms.core.db import Database
from medwms.demo import load_demo
from tests.support.databases import (
    drop_postgres,
    migrated_database,
    postgres_base_url,
    worker_suffix,
)
from tests.support.users import PASSWORD, make_user

schemathesis = pytest.importorskip(
    "schemathesis", reason="the API fuzz test needs schemathesis (pip install -e '.[test]')")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

CHECKS = [not_a_server_error, response_schema_conformance]
AS_ADMIN, ANONYMOUS = 12, 4  # examples per operation
FUZZ = settings(derandomize=True, database=None, deadline=None, print_blob=True,
                suppress_health_check=list(HealthCheck))


class Fuzzed:
    """The app on a demo database, and an administrator's bearer token."""

    def __init__(self, db: Database) -> None:
        load_demo(db, actor=SYSTEM)
        make_user(db, "fuzz-admin", "admin")
        self.settings = Settings(database_url=db.url)
        self.app = create_app(self.settings, db=db)
        self.db = db
        self.sign_in()

    def sign_in(self) -> None:
        self.token = signin.login(self.db, settings=self.settings, username="fuzz-admin",
                                  password=PASSWORD).access_token

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    backend = "postgresql" if postgres_base_url() else "sqlite"
    db = migrated_database(backend, tmp_path_factory.mktemp("fuzz"), tag="_fuzz")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                           parallelism=1))
        yield Fuzzed(db)
    db.dispose()
    if backend == "postgresql":
        drop_postgres(f"medwms_test_{worker_suffix()}_fuzz")


# The document of an app on no database: the requests go to the fuzzed app (`app=`).
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(Settings(database_url="sqlite://")))


@schema.parametrize()
@settings(FUZZ, max_examples=AS_ADMIN)
def test_the_api_as_an_administrator(case: Any, fuzzed: Fuzzed) -> None:
    response = case.call(app=fuzzed.app, headers=fuzzed.headers)
    if response.status_code == 401:  # a generated logout or password change ended the token
        fuzzed.sign_in()
        response = case.call(app=fuzzed.app, headers=fuzzed.headers)
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@settings(FUZZ, max_examples=ANONYMOUS)
def test_the_api_without_a_token(case: Any, fuzzed: Fuzzed) -> None:
    case.call_and_validate(app=fuzzed.app, checks=CHECKS)
