"""fuzz-scans: N generated and mutated barcode strings through the scan parser and the rules a
station applies to a parsed scan.

Inputs, from one seed: random bytes (decoded as a wedge scanner would type them), valid GS1
element strings (DataMatrix with AIM prefix and group separators, GS1-128, HRI), GS1 Digital
Links, HIBC and location/document codes — and mutations of those: characters replaced,
inserted, deleted or repeated, group separators added and dropped, pieces of two scans
spliced, the text cut short. Each input must either parse or be refused with the project's
ScanError (its `code` counted); anything else — an exception the parser did not mean — is an
error, listed with its input. The parser is called without the safety net of `parse_scan`
(which turns a bug into NOT_RECOGNISED), so that a bug shows.

A parsed scan is then put through what every station does with one: its words in both
languages, and the receiving rules on its lot, serial and expiry. The first `through_api` of
the inputs are also posted to the receiving station's endpoint
(`POST /api/v1/receipts/{receipt_no}/scans`) on a fresh SQLite database holding the demo, as
an administrator, against a receipt of the demo's notice: each answer must not be a 5xx.
"""

from __future__ import annotations

import random
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from medwms.api.app import create_app
from medwms.auth import service as users
from medwms.auth import signin
from medwms.auth.rules import SYSTEM
from medwms.barcode.errors import ScanError
from medwms.barcode.front import route
from medwms.barcode.gs1 import DEFAULT_GS_SUBSTITUTES
from medwms.bench.scenarios.parse import CORPUS
from medwms.config import Settings
from medwms.core import migrate
from medwms.core.db import Database
from medwms.demo import load_demo
from medwms.receiving import queries as receiving_queries
from medwms.receiving import rules
from medwms.receiving import service as receiving

GS = "\x1d"
TODAY = date(2026, 6, 1)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()+-./:?=%$#&_ "
SPECIAL = [GS, "\x1e", "\x04", "\x00", "\r", "\n", "\t", "]d2", "]C1", "]Q3", "(", ")",
           "01", "17", "10", "21", "00", "8004", "#L:", "#D:", "https://", "é", "号", "\ufffd"]
KNOWN_EXAMPLES = 20  # errors listed in the figures, with their inputs


@dataclass
class Figures:
    """What a run found: inputs, their outcomes, the errors with their inputs."""

    inputs: int = 0
    parsed: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    error_examples: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    api: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"api": self.api, "inputs": self.inputs, "parsed": self.parsed,
                "refused": sum(self.refused.values()),
                "refused_by_code": dict(sorted(self.refused.items())),
                "errors": self.errors, "error_examples": self.error_examples,
                "seconds": round(self.seconds, 3),
                "inputs_per_s": round(self.inputs / self.seconds) if self.seconds else None}


def seeds() -> list[str]:
    """The valid scans mutations start from: the parse benchmark's corpus and a few more."""
    found = [scan for scans in CORPUS.values() for scan in scans]
    found += [f"]d201095011010209171719050810ABCD1234{GS}2110",
              "(01)09501101020917(17)190508(10)ABCD1234(21)10",
              "0109501101020917" + "17190508" + "10ABCD1234" + GS + "2110",
              "]C100095011010000000018", "(00)095011010000000018",
              "https://example.com/gtin/09501101020917/lot/ABCD1234?exp=190508",
              "#L:A-01-02-03", "#D:RCV-20261201-0001", "A-01-02-03", "STENT-DES-30"]
    return found


def inputs(count: int, seed: int = 16, valid: list[str] | None = None) -> Iterator[str]:
    """`count` inputs from `seed`: a tenth random bytes, the rest mutated valid scans (of
    `valid`, by default `seeds()`)."""
    rng = random.Random(seed)  # noqa: S311 — reproducible test inputs, not secrets
    valid = valid or seeds()
    for n in range(count):
        if n % 10 == 0:
            yield _random_bytes(rng)
        elif n % 10 == 1:
            yield rng.choice(valid)
        else:
            yield mutate(rng, rng.choice(valid), valid)


def _random_bytes(rng: random.Random) -> str:
    data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 80)))
    return data.decode(rng.choice(("latin-1", "utf-8", "cp1252")), errors="replace")


def mutate(rng: random.Random, raw: str, valid: list[str]) -> str:
    """One to four random edits of `raw`."""
    text = raw
    for _ in range(rng.randint(1, 4)):
        text = rng.choice(MUTATIONS)(rng, text, valid)
    return text


def _replace(rng: random.Random, text: str, _: list[str]) -> str:
    if not text:
        return _piece(rng)
    i = rng.randrange(len(text))
    return text[:i] + _piece(rng) + text[i + 1:]


def _insert(rng: random.Random, text: str, _: list[str]) -> str:
    i = rng.randrange(len(text) + 1)
    return text[:i] + _piece(rng) + text[i:]


def _delete(rng: random.Random, text: str, _: list[str]) -> str:
    if not text:
        return text
    i = rng.randrange(len(text))
    return text[:i] + text[i + rng.randint(1, 4):]


def _repeat(rng: random.Random, text: str, _: list[str]) -> str:
    if not text:
        return text
    i = rng.randrange(len(text))
    j = min(len(text), i + rng.randint(1, 12))
    return text[:j] + text[i:j] * rng.randint(1, 30) + text[j:]


def _separators(rng: random.Random, text: str, _: list[str]) -> str:
    if GS in text and rng.random() < 0.5:
        return text.replace(GS, rng.choice(("", GS * 2, "\x1e", " ", "<GS>", "^")), 1)
    i = rng.randrange(len(text) + 1)
    return text[:i] + GS + text[i:]


def _splice(rng: random.Random, text: str, valid: list[str]) -> str:
    other = rng.choice(valid)
    return text[:rng.randrange(len(text) + 1)] + other[rng.randrange(len(other) + 1):]


def _cut(rng: random.Random, text: str, _: list[str]) -> str:
    return text[:rng.randrange(len(text) + 1)]


def _piece(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(SPECIAL)
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 3)))


MUTATIONS: list[Callable[[random.Random, str, list[str]], str]] = [
    _replace, _insert, _delete, _repeat, _separators, _splice, _cut]


def check(raw: str) -> str | None:
    """Parse one input and apply the station's rules to it; the refusal code, or None."""
    try:
        scan = route(raw, today=TODAY, gs_substitutes=DEFAULT_GS_SUBSTITUTES)
    except ScanError as refusal:
        return refusal.code
    scan.to_dict("zh-CN")
    scan.to_dict("en")
    for tracking in ("NONE", "LOT", "SERIAL"):
        for needs_expiry in (False, True):
            rules.missing_value(tracking, lot=scan.lot, serial=scan.serial, expiry=scan.expiry,
                                needs_expiry=needs_expiry)
    rules.shelf_life_short(scan.expiry, TODAY, 180)
    rules.lot_key(scan.lot)
    return None


def run(count: int, seed: int = 16, progress: Callable[[int], None] | None = None,
        through_api: int = 0) -> Figures:
    """Fuzz `count` inputs from `seed` (the first `through_api` also through the endpoint)."""
    figures = Figures()
    if through_api:
        figures.api = post_to_receiving(through_api, seed)
        figures.errors += figures.api["server_errors"]
    started = time.perf_counter()
    for n, raw in enumerate(inputs(count, seed), start=1):
        try:
            code = check(raw)
        except Exception as error:  # the point of the fuzz: an exception nobody meant
            figures.errors += 1
            if len(figures.error_examples) < KNOWN_EXAMPLES:
                figures.error_examples.append({"input": raw, "error": repr(error)})
        else:
            if code is None:
                figures.parsed += 1
            else:
                figures.refused[code] += 1
        figures.inputs = n
        if progress is not None and n % 10_000 == 0:
            progress(10_000)
    figures.seconds = time.perf_counter() - started
    return figures


def notice_scans(detail: Any) -> list[str]:
    """GS1 DataMatrix element strings of the units a notice expects (what mutations of the
    receiving endpoint's inputs start from)."""
    found = []
    for line in detail.lines:
        expiry = f"17{line.expiry[2:4]}{line.expiry[5:7]}{line.expiry[8:10]}" \
            if line.expiry else ""
        lot = f"10{line.lot}{GS}" if line.lot else ""
        found += [f"]d201{line.gtin}{expiry}{lot}21{serial}" for serial in line.serials[:3]]
        found.append(f"]d201{line.gtin}{expiry}{lot}".rstrip(GS))
    return found


def post_to_receiving(count: int, seed: int) -> dict[str, Any]:
    """Post `count` scans — mutations of the demo notice's units — to the receiving endpoint
    on a fresh demo database; the answers counted by status and code, the 5xx among them."""
    from fastapi.testclient import TestClient  # httpx, only for this part of the run

    answers: Counter[str] = Counter()
    server_errors, examples = 0, list[dict[str, str]]()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="medwms-fuzz-") as tmp:
        url = f"sqlite:///{tmp}/fuzz.db"
        db = Database(url)
        try:
            migrate.upgrade(db.engine)
            notice = load_demo(db, actor=SYSTEM).documents.notice
            password = secrets.token_urlsafe(24)
            users.create_user(db, actor=SYSTEM, username="fuzz-admin", password=password,
                              display_name="fuzz", roles=("admin",))
            settings = Settings(database_url=url)
            token = signin.login(db, settings=settings, username="fuzz-admin",
                                 password=password).access_token
            receipt = receiving.open_receipt(db, actor=SYSTEM, notice_no=notice).receipt_no
            with db.reading() as session:
                valid = notice_scans(receiving_queries.get_notice(session, str(notice)))
            raws = list(inputs(count, seed, valid or seeds()))
            with TestClient(create_app(settings, db=db), raise_server_exceptions=False) as client:
                for n, raw in enumerate(raws):
                    response = client.post(
                        f"/api/v1/receipts/{receipt}/scans", json={"raw": raw, "scan_id": f"F{n}"},
                        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"F{n}"})
                    body = response.json() if "json" in response.headers.get(
                        "content-type", "") else {}
                    code = body.get("code", "") if isinstance(body, dict) else ""
                    answers[f"{response.status_code} {code}".strip()] += 1
                    if response.status_code >= 500:
                        server_errors += 1
                        if len(examples) < KNOWN_EXAMPLES:
                            examples.append({"input": raw, "answer": response.text[:300]})
        finally:
            db.dispose()
    seconds = time.perf_counter() - started
    return {"inputs": count, "answers": dict(sorted(answers.items())),
            "server_errors": server_errors, "error_examples": examples,
            "seconds": round(seconds, 3)}
