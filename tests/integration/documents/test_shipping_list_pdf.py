"""The shipping list (随货同行单) PDF: every field in both languages, the barcode scans back."""

from __future__ import annotations

from decimal import Decimal

import pypdfium2 as pdfium
import pytest
import zxingcpp
from sqlalchemy import select

from medwms.barcode import parse_scan
from medwms.documents.shipping_list import shipping_list, shipping_list_pdf
from medwms.shipping.packing import add_shipping_unit, open_shipment, pack_scan
from medwms.shipping.shipments import confirm_shipment
from medwms.verification.tables import Verification
from tests.support.shipping import COLD, HIP, NOW, STENT, Unit, udi, verified_order, world
from tests.support.users import actor_of, make_user


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


@pytest.fixture
def shipment_no(db):
    world(db)
    packer = actor_of(make_user(db, "zhang", "shipper", display_name="张三"))
    verifier = make_user(db, "li", "verifier", display_name="李四")
    verified_order(db, "SO-9", [Unit("STENT", "L1", 2), Unit("HIP", "H7", 1, serial="SN-77"),
                                Unit("COLD", "C1", 1)])
    with db.unit_of_work() as uow:
        uow.session.scalars(select(Verification)).one().verifier_id = verifier.id
        uow.commit()
    number = open_shipment(db, actor=packer, order_no="SO-9", now=NOW).shipment_no
    cold = add_shipping_unit(db, actor=packer, shipment_no=number, cold=True, box_id="CB-1",
                             logger_id="LG-1", dispatch_temp=Decimal(5), now=NOW).sscc
    for raw in (udi(STENT, "L1"), udi(STENT, "L1"), udi(HIP, "H7", "SN-77"), udi(COLD, "C1")):
        pack_scan(db, actor=packer, shipment_no=number, sscc=cold, raw=raw, now=NOW)
    confirm_shipment(db, actor=packer, shipment_no=number, carrier="顺丰速运",
                     waybill="SF1234567890", now=NOW)
    return number


def render(db, shipment_no, language):
    with db.reading() as s:
        return shipping_list_pdf(shipping_list(s, shipment_no), language=language)


def test_chinese_list_has_every_field_and_value(db, shipment_no):
    text = pdf_text(render(db, shipment_no, "zh-CN"))
    for label in ("随货同行单", "收货单位", "收货地址", "联系方式", "产品名称", "型号规格",
                  "注册证编号", "生产企业", "批号/序列号", "有效期至", "数量", "储运条件",
                  "发货人", "复核人", "发货日期", "运单号", "出库专用章"):
        assert label in text, label
    for value in ("北京协和医院", "北京市东城区帅府园1号", "王医生 010-69156114", "冠脉支架",
                  "髋关节假体", "3.0×18 mm", "国械注准20155", "上海微创医疗器械", "L1",
                  "H7 / SN-77", "2028-06-30", "2–8 °C", "张三", "李四", "2026-11-25",
                  "顺丰速运", "SF1234567890", shipment_no, "SO-9"):
        assert value in text, value


def test_english_list_has_english_labels(db, shipment_no):
    text = " ".join(pdf_text(render(db, shipment_no, "en")).split())
    for label in ("Shipping list", "Consignee", "Delivery address", "Model / specification",
                  "Registration certificate no.", "Manufacturer", "Lot / serial", "Expiry",
                  "Quantity", "Storage condition", "Shipper", "Verifier", "Dispatch date",
                  "Coronary stent", "Hip implant", "Peking Union Medical College Hospital"):
        assert label in text, label
    assert "北京协和医院" not in text  # the consignee by its English name


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_shipment_number_barcode_scans_back_as_the_document(db, shipment_no, language):
    pdf = render(db, shipment_no, language)
    image = pdfium.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil()
    found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    scans = [parse_scan(f"{b.symbology_identifier}{b.text}") for b in found]
    assert [s.document for s in scans] == [shipment_no]
