"""A document label read by any scanner names the same document: AIM identifier and #D: off."""

from __future__ import annotations

import pytest

from medwms.barcode import document_number


@pytest.mark.parametrize("raw", ["#D:WAV-20261206-ABCDE", "]C0#D:WAV-20261206-ABCDE",
                                 "]Q1#D:WAV-20261206-ABCDE", " ]d1#D:wav-20261206-abcde\r\n",
                                 "WAV-20261206-ABCDE", "]C0WAV-20261206-ABCDE"])
def test_a_document_label_names_its_number_whatever_the_scanner_adds(raw):
    assert document_number(raw) == "WAV-20261206-ABCDE"
