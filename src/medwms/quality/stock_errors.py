"""The refusals of expiry control, holds on doubt, quality decisions, destruction and 养护.

    NotFound
    ├── HoldNotFound              404  no hold with that number
    └── NothingToHold             404  the lot or serial has no available stock there to hold
    Conflict
    ├── HoldDecided               409  the hold was decided already; a signed decision stays
    ├── ExpiredCannotBeReleased   409  releasing held stock whose expiry day is over
    ├── NotRedLocation            409  the target of a nonconforming move is not in a red zone
    ├── NothingToDestroy          409  no REJECTED or EXPIRED stock of it there, or too little
    └── NotExpiredStock           409  a move to the red area of stock that is not EXPIRED
    PermissionDenied
    ├── WitnessIsOperator         403  the same person signed as operator and as witness
    └── WitnessNotQuality         403  the witness may not supervise a destruction
    ValidationError
    └── BadQualityInput           422  an empty reason, method or place, a quantity below one
"""

from __future__ import annotations

from medwms.core.errors import Conflict, NotFound, PermissionDenied, ValidationError


class HoldNotFound(NotFound):
    code = "HOLD_NOT_FOUND"
    message_en = "There is no quality hold {key}."
    message_zh = "质量冻结单 {key} 不存在。"


class NothingToHold(NotFound):
    code = "NOTHING_TO_HOLD"
    message_en = ("{item} {unit} has no available stock at {where}: there is nothing to put "
                  "on hold (stock in quarantine is decided by its acceptance inspection).")
    message_zh = "{item} {unit} 在 {where} 没有合格可用库存，无可冻结（待验库存由验收决定）。"


class HoldDecided(Conflict):
    code = "HOLD_DECIDED"
    message_en = ("Hold {hold_no} was decided already ({decision}) and signed: a signed "
                  "decision is never changed.")
    message_zh = "冻结单 {hold_no} 已作出决定（{decision}）并签名，已签名决定不可更改。"


class ExpiredCannotBeReleased(Conflict):
    code = "EXPIRED_CANNOT_BE_RELEASED"
    message_en = ("{item} lot {lot} expired on {expiry}: held stock past its expiry day "
                  "cannot be released; decide nonconforming, return or destroy.")
    message_zh = "{item} 批号 {lot} 已于 {expiry} 过期，不能放行，请判定为不合格、退货或销毁。"


class NotRedLocation(Conflict):
    code = "NOT_RED_LOCATION"
    message_en = ("Location {location} is not in a nonconforming (red) zone: nonconforming "
                  "stock goes to a location of a REJECTED zone of warehouse {warehouse}.")
    message_zh = "库位 {location} 不在不合格品区（红区），请选择仓库 {warehouse} 不合格品区的库位。"


class NothingToDestroy(Conflict):
    code = "NOTHING_TO_DESTROY"
    message_en = ("{item} {unit} at {location}: {available} nonconforming or expired unit(s), "
                  "{requested} to destroy. Only REJECTED or EXPIRED stock is destroyed.")
    message_zh = ("{item} {unit} 在 {location} 仅有不合格或过期库存 {available} 件，"
                  "申请销毁 {requested} 件。只能销毁不合格或过期库存。")


class NotExpiredStock(Conflict):
    code = "NOT_EXPIRED_STOCK"
    message_en = ("Stock {stock_id} is {stock_status}, not EXPIRED: only expired stock is "
                  "moved to the nonconforming area from this list.")
    message_zh = "库存 {stock_id} 状态为 {stock_status}，不是过期，此清单只移动过期库存。"


class WitnessIsOperator(PermissionDenied):
    code = "WITNESS_IS_OPERATOR"
    message_en = ("{user} cannot witness their own destruction of {item}: a second person "
                  "must sign as witness.")
    message_zh = "{user} 不能为自己执行的 {item} 销毁作见证，须由另一人签名见证。"


class WitnessNotQuality(PermissionDenied):
    code = "WITNESS_NOT_QUALITY"
    message_en = ("{user} may not witness the destruction of {item}: the witness must be "
                  "from quality management (quality manager or administrator).")
    message_zh = "{user} 无权见证 {item} 的销毁，见证人须为质量管理人员（质量负责人或管理员）。"


class BadQualityInput(ValidationError):
    code = "BAD_QUALITY_INPUT"
    message_en = "The quality record is not complete: {summary}"
    message_zh = "质量记录不完整：{summary}"
