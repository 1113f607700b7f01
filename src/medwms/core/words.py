"""The words for codes that domain messages name: statuses, kinds, permissions, things.

A DomainError's message is formatted with its fields; a field named in WORD_FIELDS holding a
code ("PICKED", "picking.verify", "count plan") is shown as its word in the message's
language, so a refusal never shows a raw code. Unknown values are shown as they are.
The page catalogue (messages.po) has the same status words for the templates; a test keeps
the two in step.
"""

from __future__ import annotations

from typing import Any

Words = dict[str, tuple[str, str]]  # code → (zh-CN, English inside a sentence)

STATUSES: Words = {
    # stock (GSP colours)
    "QUARANTINE": ("待验", "in quarantine"), "AVAILABLE": ("合格可用", "available"),
    "REJECTED": ("不合格", "rejected"), "HOLD": ("冻结", "on hold"),
    "RECALLED": ("已召回", "recalled"), "EXPIRED": ("已过期", "expired"),
    "IN_TRANSIT": ("在途", "in transit"),
    # documents
    "OPEN": ("未关闭", "open"), "CLOSED": ("已关闭", "closed"),
    "RECEIVING": ("收货中", "being received"), "PENDING": ("待验收", "awaiting inspection"),
    "DONE": ("已完成", "done"), "ALLOCATED": ("已分配", "allocated"),
    "PARTIAL": ("部分分配", "partly allocated"), "PICKING": ("拣货中", "being picked"),
    "PICKED": ("已拣货", "picked"), "VERIFIED": ("已复核", "verified"),
    "SHIPPED": ("已发货", "shipped"), "CANCELLED": ("已取消", "cancelled"),
    "PACKING": ("装箱中", "being packed"), "RECEIVED": ("已收货", "received"),
    "SHORT": ("短少", "short"), "COUNTING": ("盘点中", "being counted"),
    "APPROVED": ("已批准", "approved"), "ACKNOWLEDGED": ("已确认知悉", "acknowledged"),
    "BLOCKED": ("已阻止", "blocked"), "PASSED": ("已通过", "passed"),
    # verification discrepancies and their resolutions
    "MISSING": ("缺少", "missing"), "EXTRA": ("多出（未知货品）", "extra"),
    "WRONG_ITEM": ("货品错误", "wrong item"), "WRONG_LOT": ("批号错误", "wrong lot"),
    "WRONG_SERIAL": ("序列号错误", "wrong serial"), "OVER": ("超出拣货数量", "more than picked"),
    "FOUND": ("已找到", "found"), "SHORT_SHIP": ("少发", "ship short"),
    "REMOVED": ("已移出", "removed"),
    # breach dispositions
    "RELEASE": ("放行", "release"), "REJECT": ("拒收", "reject"),
}
CONCLUSIONS: Words = {
    "ACCEPT": ("合格放行", "accepted"), "REJECT": ("拒收", "rejected"),
    "PARTIAL": ("部分合格", "partly accepted"),
}
ZONE_KINDS: Words = {
    "RECEIVING": ("收货区", "receiving"), "QUARANTINE": ("待验区", "quarantine"),
    "STORAGE": ("存储区", "storage"), "REJECTED": ("不合格品区", "rejected goods"),
    "RETURNS": ("退货区", "returns"), "SHIPPING": ("发货区", "shipping"),
}
PERMISSIONS: Words = {
    "masterdata.read": ("查看主数据", "read master data"),
    "masterdata.write": ("维护主数据", "change master data"),
    "stock.read": ("查看库存", "see stock"), "stock.move": ("移动库存", "move stock"),
    "stock.adjust": ("调整库存", "adjust stock"),
    "stock.status": ("变更库存状态", "change stock status"),
    "receiving.receive": ("收货", "receive goods"), "quality.inspect": ("验收", "inspect goods"),
    "picking.pick": ("拣货", "pick"), "picking.verify": ("出库复核", "verify outbound orders"),
    "shipping.ship": ("装箱发货", "pack and ship"),
    "putaway.override": ("不按建议库位上架", "put away off the suggested location"),
    "orders.manage": ("管理出库单", "manage orders"),
    "picking.resolve": ("处理复核差异", "resolve verification discrepancies"),
    "counting.count": ("盘点", "count stock"), "recall.manage": ("管理召回", "manage recalls"),
    "users.manage": ("管理用户", "manage users"),
    "audit.read": ("查看审计记录", "read the audit log"),
    "system.admin": ("管理系统", "administer the system"),
    "attachments.read": ("查看附件", "read attachments"),
    "quality.record": ("记录质量事项", "record quality findings"),
    "quality.approve": ("质量审批", "approve as quality"),
    "coldchain.manage": ("管理冷链设备", "manage cold-chain equipment"),
    "settings.manage": ("管理运行设置", "manage runtime settings"),
}
THINGS: Words = {  # NotFound(what=…)
    "item": ("产品", "item"), "lot": ("批号", "lot"), "serial_unit": ("序列号", "serial"),
    "location": ("库位", "location"), "zone": ("库区", "zone"),
    "warehouse": ("仓库", "warehouse"), "owner": ("货主", "owner"),
    "partner": ("往来单位", "partner"), "supplier": ("供货单位", "supplier"),
    "packaging": ("包装层级", "packaging level"), "user": ("用户", "user"),
    "receipt": ("收货单", "receipt"), "inspection": ("验收记录", "inspection"),
    "count plan": ("盘点计划", "count plan"), "count task": ("盘点任务", "count task"),
    "count entry": ("盘点记录", "count entry"), "shipping unit": ("物流单元", "shipping unit"),
    "shipment to": ("发货给", "shipment to"), "kind": ("类型", "kind"), "GTIN": ("GTIN", "GTIN"),
    "lot number": ("批号", "lot number"), "serial": ("序列号", "serial"),
    "expiry": ("有效期", "expiry"), "production date": ("生产日期", "production date"),
}
BREACH_KINDS: Words = {"HIGH": ("高温", "too warm"), "LOW": ("低温", "too cold"),
                      "NO_DATA": ("无数据", "no data")}
BREACH_MODES: Words = {"SINGLE": ("单次超限", "single excursion"),
                      "CUMULATIVE": ("累计超限", "cumulative excursion"),
                      "GAP": ("读数中断", "gap in readings"),
                      "SPARSE": ("超标期间记录过疏", "sampling too sparse during an excursion")}
FIELD_WORDS: dict[str, Words] = {"conclusion": CONCLUSIONS, "zone_kind": ZONE_KINDS,
                                 "permission": PERMISSIONS, "what": THINGS,
                                 "breach_kind": BREACH_KINDS, "breach_mode": BREACH_MODES}
WORD_FIELDS = frozenset({"status", "stock_status", "plan_status", "disposition", "action",
                         "discrepancy", "allowed", *FIELD_WORDS})


def word(field: str, value: Any, language: str) -> Any:
    """The word for code `value` of field `field` in `language`; other values unchanged."""
    if field not in WORD_FIELDS or not isinstance(value, str):
        return value
    table = FIELD_WORDS.get(field, STATUSES)
    zh = language.lower().startswith("zh")
    parts = [table.get(part) for part in value.split(" / ")]
    if not all(parts):
        return value
    return " / ".join(pair[0] if zh else pair[1] for pair in parts if pair)


def words_of(fields: dict[str, Any], language: str) -> dict[str, Any]:
    """`fields` with every coded value in WORD_FIELDS replaced by its word."""
    return {key: word(key, value, language) for key, value in fields.items()}
