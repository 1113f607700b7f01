"""Approving a qualification file through the quality pages, as a signed-in quality user."""

from __future__ import annotations

import re
from typing import Any

from tests.support.qualification import PDF


def approve_through_pages(page: Any, url: str, subject: str, code: str,
                          credentials: list[tuple[str, str, str]], password: str,
                          purpose: str = "OTHER") -> str:
    """Open the file of `subject` `code`, record (kind, number, valid until) credentials,
    upload a scanned PDF, submit and approve with `password`; returns the file number."""
    page.goto(f"{url}/quality/qualification")
    page.select_option("#open-form select[name=subject]", subject)
    page.fill("#open-form input[name=code]", code)
    page.click("#open-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/quality/qualification/QF-[^/?]+$"))
    number = page.url.rsplit("/", 1)[-1]
    for kind, value, until in credentials:
        page.select_option("#credential-form select[name=kind]", kind)
        page.fill("#credential-form input[name=number]", value)
        if until:
            page.fill("#credential-form input[name=valid_until]", until)
        page.click("#credential-form button[type=submit]")
        page.wait_for_load_state()
    page.select_option("#paper-form select[name=purpose]", purpose)
    page.set_input_files("#paper-form input[name=file]", files=[{
        "name": "scan.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click("#paper-form button[type=submit]")
    page.wait_for_load_state()
    page.click("#submit-form button[type=submit]")
    page.wait_for_load_state()
    page.fill("#approve-form input[name=password]", password)
    page.click("#approve-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".file-state").get_attribute("data-state") == "APPROVED"
    return number
