"""Equipment register refusals, each with a stable code.

    NotFound
    └── EquipmentNotFound          EQUIPMENT_NOT_FOUND
    Conflict
    ├── EquipmentExists            EQUIPMENT_EXISTS
    ├── ColdRoomNotValidated       COLD_ROOM_NOT_VALIDATED: cold putaway into a lapsed room (K05)
    └── ColdBoxNotValidated        COLD_BOX_NOT_VALIDATED: a lapsed box for a cold shipment (K05)
    ValidationError
    └── BadEquipment               BAD_EQUIPMENT: a register entry or check record that is wrong
"""

from __future__ import annotations

from medwms.core.errors import Conflict, NotFound, ValidationError


class EquipmentNotFound(NotFound):
    code = "EQUIPMENT_NOT_FOUND"
    message_en = "Equipment {equipment} is not in the register."
    message_zh = "设备 {equipment} 不在设备台账中。"


class EquipmentExists(Conflict):
    code = "EQUIPMENT_EXISTS"
    message_en = "Equipment {equipment} is already in the register."
    message_zh = "设备 {equipment} 已在设备台账中。"


class BadEquipment(ValidationError):
    code = "BAD_EQUIPMENT"
    message_en = "Equipment {equipment} record is not valid: {summary}"
    message_zh = "设备 {equipment} 记录无效：{summary}"


class ColdRoomNotValidated(Conflict):
    code = "COLD_ROOM_NOT_VALIDATED"
    message_en = ("Cold room {equipment} (zone {zone}) is not validated on {day} ({reason}, due "
                  "{due}): cold items cannot be put away there until a passed validation is "
                  "recorded in the equipment register.")
    message_zh = ("冷库 {equipment}（库区 {zone}）在 {day} 未处于验证有效期内"
                  "（{reason}，到期 {due}）：在设备台账登记合格的验证记录之前，"
                  "不能将冷链商品上架到此处。")


class ColdBoxNotValidated(Conflict):
    code = "COLD_BOX_NOT_VALIDATED"
    message_en = ("Cold box {equipment} is not validated on {day} ({reason}, due {due}): it "
                  "cannot carry a cold shipment until a passed validation is recorded.")
    message_zh = ("冷藏箱 {equipment} 在 {day} 未处于验证有效期内（{reason}，到期 {due}）："
                  "登记合格的验证记录之前不能用于冷链发运。")
