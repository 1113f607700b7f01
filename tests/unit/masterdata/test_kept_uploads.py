"""Uploaded files kept between preview and apply: for their user, by their digest, an hour."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from medwms.config import Settings
from medwms.web import uploads


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    monkeypatch.setattr(uploads.tempfile, "gettempdir", lambda: str(tmp_path))
    return Settings(database_url=f"sqlite:///{tmp_path}/x.db",
                    secret_key="uploads-test-secret-0123456789abcdef")


def test_a_kept_file_is_given_back_to_its_user_by_its_digest(settings):
    token = uploads.keep(settings, "ada", b"code,name\r\nA,x\r\n")
    assert token == hashlib.sha256(b"code,name\r\nA,x\r\n").hexdigest()
    assert uploads.take(settings, "bob", token) is None
    assert uploads.take(settings, "ada", "../" + token[3:]) is None
    assert uploads.take(settings, "ada", token) == b"code,name\r\nA,x\r\n"


def test_a_file_changed_on_disk_or_older_than_an_hour_is_not_given_back(settings):
    token = uploads.keep(settings, "ada", b"first")
    [path] = [p for p in uploads.folder(settings).iterdir() if p.name.endswith(token)]
    path.write_bytes(b"tampered")
    assert uploads.take(settings, "ada", token) is None
    token = uploads.keep(settings, "ada", b"second")
    [path] = [p for p in uploads.folder(settings).iterdir() if p.name.endswith(token)]
    old = time.time() - uploads.KEPT_SECONDS - 5
    os.utime(path, (old, old))
    assert uploads.take(settings, "ada", token) is None
    assert not path.exists()


def test_keeping_a_file_clears_the_old_ones(settings):
    stale = uploads.keep(settings, "ada", b"stale")
    [path] = list(uploads.folder(settings).iterdir())
    old = time.time() - uploads.KEPT_SECONDS - 5
    os.utime(path, (old, old))
    fresh = uploads.keep(settings, "ada", b"fresh")
    names = [p.name for p in uploads.folder(settings).iterdir()]
    assert len(names) == 1 and names[0].endswith(fresh) and stale not in names[0]


def test_a_kept_file_is_taken_once(settings):
    token = uploads.keep(settings, "ada", b"apply me")
    assert uploads.take(settings, "bob", token) is None
    assert uploads.take(settings, "ada", token) == b"apply me"
    assert uploads.take(settings, "ada", token) is None
    assert list(uploads.folder(settings).iterdir()) == []
