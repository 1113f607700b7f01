"""What an upload may be: told by its content, refused with the reason and the fix."""

from __future__ import annotations

import pytest

from medwms.attachments.errors import (
    AttachmentEmpty,
    AttachmentTooLarge,
    AttachmentTypeRefused,
)
from medwms.attachments.rules import (
    MediaType,
    accepted_type,
    download_headers,
    safe_filename,
    sniff,
)

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(("data", "media_type"), [(PDF, MediaType.PDF), (JPEG, MediaType.JPEG),
                                                   (PNG, MediaType.PNG)])
def test_the_type_comes_from_the_first_bytes(data, media_type):
    assert sniff(data) is media_type
    assert accepted_type(filename="scan.bin", data=data, limit=1024) is media_type


def test_a_script_named_like_a_pdf_is_refused():
    with pytest.raises(AttachmentTypeRefused) as refused:
        accepted_type(filename="licence.pdf", data=b"<html><script>alert(1)</script>",
                      limit=1024)
    assert "licence.pdf" in refused.value.message("en")
    assert "PDF" in refused.value.message("zh-CN")


def test_an_empty_or_oversized_file_is_refused_with_its_size_and_the_limit():
    with pytest.raises(AttachmentEmpty):
        accepted_type(filename="a.pdf", data=b"", limit=1024)
    with pytest.raises(AttachmentTooLarge) as refused:
        accepted_type(filename="a.pdf", data=PDF + b"x" * 2000, limit=1024)
    assert refused.value.fields["limit"] == 1024
    assert "1024" in refused.value.message("zh-CN")


def test_a_filename_keeps_its_last_part_and_no_characters_a_header_or_path_could_misread():
    assert safe_filename("C:\\scans\\..\\随货同行单.pdf") == "随货同行单.pdf"
    assert safe_filename('../../etc/"pass\r\nwd".pdf') == "passwd.pdf"
    assert safe_filename("") == "attachment"


def test_a_download_is_saved_as_a_file_under_its_name_never_shown_in_place():
    headers = download_headers("随货同行单.pdf")
    assert headers["Content-Disposition"].startswith('attachment; filename="_____.pdf"')
    assert "filename*=UTF-8''%E9%9A%8F" in headers["Content-Disposition"]
    assert headers["X-Content-Type-Options"] == "nosniff"


LOGGER_CSV = "时间,温度(°C)\n2026-12-01 08:00,4.1\n2026-12-01 08:05,4.3\n".encode()


def test_a_temperature_logger_csv_is_accepted_as_text_csv_only_where_allowed():
    assert accepted_type(filename="logger.csv", data=LOGGER_CSV, limit=1024,
                         allow_csv=True) is MediaType.CSV
    assert accepted_type(filename="logger.csv", data=b"\xef\xbb\xbftime;temp\n1;4.0\n",
                         limit=1024, allow_csv=True) is MediaType.CSV
    with pytest.raises(AttachmentTypeRefused):
        accepted_type(filename="logger.csv", data=LOGGER_CSV, limit=1024)


@pytest.mark.parametrize("data", [b"time,temp\x00\n1,4.0\n", b"\xff\xfe,\x00bad",
                                  b"<html>a,b</html>", b"no separator here\n"])
def test_binary_markup_or_unseparated_text_is_not_taken_for_csv(data):
    with pytest.raises(AttachmentTypeRefused) as refused:
        accepted_type(filename="logger.csv", data=data, limit=1024, allow_csv=True)
    assert "CSV" in refused.value.message("en")
    assert "CSV" in refused.value.message("zh-CN")
