"""The handover block of the receipt/acceptance record: who delivered and who received, when
they signed, and every kept scan (delivery note, waybill, temperature record, the deliverer's
signature) by name and SHA-256 — or what is still missing."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from medwms.attachments.queries import AttachmentRef
from medwms.documents.pdf_parts import (
    Styles,
    label_grid,
    local_text,
    paragraph,
)
from medwms.receiving.handover_queries import HandoverView

TEXT: dict[str, tuple[str, str]] = {
    "handover": ("收货交接", "Receiving handover"),
    "deliverer": ("送货人", "Deliverer"),
    "DRAWN": ("手持终端手写签名", "signed on the handheld"),
    "PAPER": ("纸质签字扫描件", "signed paper, scanned"),
    "receiver": ("收货人（电子签名）", "Receiver (e-signature)"),
    "signed_at": ("签字时间", "Signed"),
    "DELIVERY_NOTE": ("随货同行单", "Delivery note"),
    "WAYBILL": ("运单", "Waybill"),
    "TEMPERATURE_RECORD": ("运输温度记录", "Transport temperature record"),
    "DELIVERER_SIGNATURE": ("送货人签字", "Deliverer's signature"),
    "missing": ("交接未完成，缺少", "Handover incomplete, missing"),
}


def _t(key: str, lang: str) -> str:
    zh, en = TEXT.get(key, (key, key))
    return en if lang == "en" else zh


_p = paragraph


def _file(ref: AttachmentRef) -> str:
    return f"{ref.filename} · SHA-256 {ref.sha256}"


def handover_block(view: HandoverView, timezone: str, lang: str, st: Styles) -> list[object]:
    """The block's flowables: a heading and a two-column grid."""
    rows: list[tuple[str, str]] = []
    if view.signed_at is not None:
        method = _t(view.deliverer_method, lang)
        rows += [("deliverer", f"{view.deliverer_name} ({method})"),
                 ("receiver", f"{view.receiver_name} ({view.receiver_username})"),
                 ("signed_at", local_text(view.signed_at, timezone))]
        if view.deliverer_signature is not None:
            rows.append(("DELIVERER_SIGNATURE", _file(view.deliverer_signature)))
    rows += [(paper.purpose, _file(paper)) for paper in view.papers]
    if view.missing:
        rows.append(("missing", view.missing_en if lang == "en" else view.missing_zh))
    table = label_grid([(_t(key, lang), value) for key, value in rows], st, (40, 140))
    return [KeepTogether([_p(_t("handover", lang), st.heading), Spacer(1, 1.5 * mm), table]),
            Spacer(1, 5 * mm)]
