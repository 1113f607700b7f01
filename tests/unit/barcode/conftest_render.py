"""Helpers for the rendering tests: sample labels, and pixels back to parsed scans."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

from medwms.barcode import Scan, parse_scan
from medwms.barcode.labels import (
    DeviceLabel,
    DocumentLabel,
    HandlingUnitLabel,
    Label,
    LocationLabel,
    QcLabel,
)
from medwms.barcode.render_data import UdiData

TODAY = date(2026, 1, 15)
REPO = Path(__file__).resolve().parents[3]
ZPL_RENDERER = REPO / ".cache" / "zpl-renderer" / "node_modules"
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
GLN = "4012345000009"
SSCC = "376123450000000009"

_NODE_SCRIPT = """
const { ready } = require("zpl-renderer-js");
(async () => {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const jobs = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const { api } = await ready;
  const out = [];
  for (const j of jobs) out.push(await api.zplToBase64Async(j.zpl, j.w, j.h, j.dpmm));
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def a_udi(**overrides: object) -> UdiData:
    """A valid UDI with lot, serial, expiry and production date."""
    values: dict[str, object] = {
        "gtin": "07612345000015", "lot": "LOTA1", "serial": "SN0001",
        "expiry": date(2028, 6, 30), "production_date": date(2025, 1, 2)}
    values.update(overrides)
    return UdiData(**values)  # type: ignore[arg-type]


def a_device_label(udi: UdiData | None = None) -> DeviceLabel:
    """A device label with Chinese and English names."""
    return DeviceLabel(udi or a_udi(), "一次性使用无菌注射器", "Sterile syringe, single use",
                       "5 mL 带针", "常温 10-30°C 避光保存")


def every_label() -> list[tuple[str, Label]]:
    """One of each label kind, with what its scan must give back."""
    device = a_device_label()
    return [
        ("device", device),
        ("qc", QcLabel(device, "张三", date(2026, 5, 1))),
        ("location", LocationLabel("A-01-02", zone="常温区 Z1")),
        ("location-gln", LocationLabel("B-12-03", warehouse_gln=GLN)),
        ("document", DocumentLabel("WAV-20261207-K4QXA", "拣货波次 Wave")),
        ("hu", HandlingUnitLabel(SSCC, ("GTIN 07612345000015 LOT LOTA1 x 20",), "北京协和医院")),
    ]


def expected_scan(kind: str) -> dict[str, object]:
    """The Scan fields each sample label must decode to."""
    udi = {"gtin": "07612345000015", "lot": "LOTA1", "serial": "SN0001",
           "expiry": date(2028, 6, 30), "production_date": date(2025, 1, 2)}
    by_kind: dict[str, dict[str, object]] = {
        "device": udi, "qc": udi, "location": {"location": "A-01-02"},
        "location-gln": {"location": f"{GLN}+B-12-03"}, "hu": {"sscc": SSCC},
        "document": {"document": "WAV-20261207-K4QXA"}}
    return by_kind[kind]


def decode(image: Image.Image) -> list[Scan]:
    """Every symbol in `image`, parsed."""
    found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    return [parse_scan(f"{b.symbology_identifier}{b.text}", today=TODAY) for b in found]


def pdf_pages(pdf: bytes, dpi: int = 300) -> list[Image.Image]:
    """Each page of `pdf` rasterised with pypdfium2."""
    document = pdfium.PdfDocument(pdf)
    return [document[i].render(scale=dpi / 72).to_pil() for i in range(len(document))]


def pdf_text(pdf: bytes) -> str:
    """All text of `pdf`, as pdfium extracts it."""
    document = pdfium.PdfDocument(pdf)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def assert_scan_matches(scan: Scan, expected: dict[str, object]) -> None:
    """Each expected field of the scan has the expected value."""
    for field, value in expected.items():
        assert getattr(scan, field) == value, (field, scan)


def zpl_renderer_missing() -> str | None:
    """Why ZPL can't be rendered here, or None when node and zpl-renderer-js are present."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (ZPL_RENDERER / "zpl-renderer-js").is_dir():
        return ("zpl-renderer-js is not installed: cd .cache/zpl-renderer && "
                "npm install zpl-renderer-js@3.4.0")
    return None


def render_zpl(jobs: list[tuple[str, tuple[float, float], int]]) -> list[Image.Image]:
    """Render (zpl, (width_mm, height_mm), dpmm) jobs with zpl-renderer-js in one node run."""
    payload = json.dumps([{"zpl": z, "w": s[0], "h": s[1], "dpmm": d} for z, s, d in jobs])
    node = shutil.which("node") or "node"
    done = subprocess.run([node, "-e", _NODE_SCRIPT], input=payload.encode(),
                          capture_output=True, check=True, timeout=300,
                          env={**os.environ, "NODE_PATH": str(ZPL_RENDERER)})
    return [Image.open(io.BytesIO(base64.b64decode(b))) for b in json.loads(done.stdout)]
