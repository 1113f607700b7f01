"""A live medwms server in a background thread, and small page helpers for browser tests."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn

from medwms.api.app import create_app
from medwms.config import Settings
from medwms.core.db import Database

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = "/tmp/medwms-screens"


@dataclass
class LiveServer:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Database, **settings: Any) -> LiveServer:
    """Serve the app on `db` (with `settings` overridden) and wait until it answers."""
    port = free_port()
    app = create_app(Settings(database_url=db.url, **settings), db=db)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    return LiveServer(url=f"http://127.0.0.1:{port}", server=server, thread=thread)


def login(page: Any, url: str, username: str, password: str) -> None:
    """Sign in through the login form."""
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def logout(page: Any) -> None:
    """Sign out through the menu."""
    page.click("details.menu summary")
    page.click("form.logout button")
    page.wait_for_url("**/login")


def scan(page: Any, text: str) -> None:
    """Type like a keyboard-wedge scanner: the characters (GS included), then Enter."""
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def no_horizontal_scroll(page: Any) -> bool:
    """Whether the page fits its viewport's width."""
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def shot(page: Any, name: str) -> str:
    """Save a screenshot under /tmp/medwms-screens and return its path."""
    path = f"{SCREENSHOTS}/{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
