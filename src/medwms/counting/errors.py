"""Refusals of counting.

    ScanRefused (core, 422)
    ├── LocationNotInPlan        LOCATION_NOT_IN_PLAN: the scanned location is not to be counted
    ├── NotALocationScan         NOT_A_LOCATION_SCAN: a location label is due
    ├── NotAUnitScan             NOT_A_UNIT_SCAN: a unit (GTIN + lot/serial) is due
    ├── LotRequired              COUNT_LOT_REQUIRED: a lot-tracked item scanned without lot
    ├── SerialRequired           COUNT_SERIAL_REQUIRED: a serialised item scanned without serial
    ├── SerialCountedElsewhere   SERIAL_COUNTED_ELSEWHERE: the serial was counted at another
    │                            location of this count
    ├── SerialCountedTwice       SERIAL_COUNTED_TWICE: the serial was already scanned here
    └── BadCountQuantity         COUNT_QUANTITY_INVALID: a keyed quantity for a serial, or ≤ 0
    Conflict (core, 409)
    ├── PlanNotOpen              PLAN_NOT_OPEN: the plan is approved or cancelled
    ├── TaskNotCounting          TASK_NOT_COUNTING: the location is not open for this counter
    ├── TaskTaken                TASK_TAKEN: another counter is counting this location
    ├── LocationAlreadyCounted   LOCATION_ALREADY_COUNTED
    ├── RecountBySameCounter     RECOUNT_BY_SAME_COUNTER: a recount needs a second person
    ├── RecountAssigned          RECOUNT_ASSIGNED: the manager gave this recount to another
    ├── NoRecountOpen            NO_RECOUNT_OPEN: the location has no recount waiting
    ├── NotAssignedCounter       NOT_ASSIGNED_COUNTER: the user is not a counter of this plan
    ├── AlreadyACounter          ALREADY_A_COUNTER: the user is already a counter of the plan
    ├── PlanOpenToAll            PLAN_OPEN_TO_ALL: no counters named, anyone may count
    ├── NotACountingUser         NOT_A_COUNTING_USER: an inactive user, or one who may not count
    ├── TooFewCounters           COUNT_NEEDS_TWO_COUNTERS: a recount would find nobody
    ├── CounterCannotApprove     COUNTER_CANNOT_APPROVE: who counted may not approve
    ├── AlreadyApproved          COUNT_ALREADY_APPROVED
    ├── CountNotFinished         COUNT_NOT_FINISHED: locations or recounts still open
    ├── ReasonsMissing           COUNT_REASONS_MISSING: non-zero lines without a reason code
    ├── StockMovedAway           COUNT_STOCK_MOVED_AWAY: a shortage exceeds today's balance
    └── NothingToCount           NOTHING_TO_COUNT: the plan selects no location
    ValidationError (core, 422)
    ├── BadPlan                  COUNT_PLAN_INVALID
    └── CancelReasonRequired     COUNT_CANCEL_REASON_REQUIRED
"""

from __future__ import annotations

from medwms.core.errors import Conflict, ScanRefused, ValidationError


class LocationNotInPlan(ScanRefused):
    code = "LOCATION_NOT_IN_PLAN"
    message_en = "Location {location} is not part of count {plan}: do not count it."
    message_zh = "库位 {location} 不在盘点单 {plan} 中：无需盘点。"


class NotALocationScan(ScanRefused):
    code = "NOT_A_LOCATION_SCAN"
    message_en = "Scan the location label first ({value} is not a location)."
    message_zh = "请先扫描库位标签（{value} 不是库位）。"


class NotAUnitScan(ScanRefused):
    code = "NOT_A_UNIT_SCAN"
    message_en = "Scan a product barcode (GTIN with lot/serial); {value} is not one."
    message_zh = "请扫描产品条码（含批号/序列号的 GTIN）；{value} 不是产品条码。"


class LotRequired(ScanRefused):
    code = "COUNT_LOT_REQUIRED"
    message_en = "Item {item} is lot-tracked: scan the barcode that carries the lot."
    message_zh = "产品 {item} 按批号管理：请扫描含批号的条码。"


class SerialRequired(ScanRefused):
    code = "COUNT_SERIAL_REQUIRED"
    message_en = "Item {item} is serialised: scan the barcode that carries the serial."
    message_zh = "产品 {item} 按序列号管理：请扫描含序列号的条码。"


class SerialCountedElsewhere(ScanRefused):
    code = "SERIAL_COUNTED_ELSEWHERE"
    message_en = ("Serial {serial} of {item} was already counted at {other} in this count: "
                  "one unit cannot be at two locations.")
    message_zh = "{item} 序列号 {serial} 已在本次盘点的库位 {other} 计数：同一件不能在两个库位。"


class SerialCountedTwice(ScanRefused):
    code = "SERIAL_COUNTED_TWICE"
    message_en = "Serial {serial} of {item} was already scanned at this location."
    message_zh = "{item} 序列号 {serial} 已在本库位扫描过。"


class BadCountQuantity(ScanRefused):
    code = "COUNT_QUANTITY_INVALID"
    message_en = "Quantity {quantity} is not allowed here: {why}"
    message_zh = "数量 {quantity} 不允许：{why}"


class PlanNotOpen(Conflict):
    code = "PLAN_NOT_OPEN"
    message_en = "Count {plan} is {plan_status}: nothing more can be counted or changed."
    message_zh = "盘点单 {plan} 状态为 {plan_status}：不能再盘点或修改。"


class TaskNotCounting(Conflict):
    code = "TASK_NOT_COUNTING"
    message_en = "Location {location} is not being counted by you: scan the location first."
    message_zh = "您未在盘点库位 {location}：请先扫描库位。"


class TaskTaken(Conflict):
    code = "TASK_TAKEN"
    message_en = "Location {location} is being counted by {counter}."
    message_zh = "库位 {location} 正由 {counter} 盘点。"


class LocationAlreadyCounted(Conflict):
    code = "LOCATION_ALREADY_COUNTED"
    message_en = "Location {location} has already been counted in {plan}."
    message_zh = "库位 {location} 已在盘点单 {plan} 中盘点完毕。"


class RecountBySameCounter(Conflict):
    code = "RECOUNT_BY_SAME_COUNTER"
    message_en = ("Location {location} must be recounted by another person than "
                  "{counter}, who counted it first (a manager can assign the recount).")
    message_zh = "库位 {location} 须由首次盘点人 {counter} 以外的人复盘（主管可指派复盘人）。"


class RecountAssigned(Conflict):
    code = "RECOUNT_ASSIGNED"
    message_en = "The recount of location {location} is assigned to {counter}."
    message_zh = "库位 {location} 的复盘已指派给 {counter}。"


class NoRecountOpen(Conflict):
    code = "NO_RECOUNT_OPEN"
    message_en = "Location {location} has no recount waiting in {plan}."
    message_zh = "盘点单 {plan} 中库位 {location} 没有待复盘任务。"


class NotAssignedCounter(Conflict):
    code = "NOT_ASSIGNED_COUNTER"
    message_en = "User {user} is not a counter of {plan}: a manager can add you to the plan."
    message_zh = "用户 {user} 不是盘点单 {plan} 的盘点人：主管可将您加入盘点人。"


class AlreadyACounter(Conflict):
    code = "ALREADY_A_COUNTER"
    message_en = "User {user} is already a counter of {plan}."
    message_zh = "用户 {user} 已是盘点单 {plan} 的盘点人。"


class PlanOpenToAll(Conflict):
    code = "PLAN_OPEN_TO_ALL"
    message_en = ("Count {plan} names no counters: anyone who may count can count it, "
                  "so no counter needs adding.")
    message_zh = "盘点单 {plan} 未指定盘点人：凡有盘点权限者均可盘点，无需添加盘点人。"


class NotACountingUser(Conflict):
    code = "NOT_A_COUNTING_USER"
    message_en = "User {user} is disabled or may not count."
    message_zh = "用户 {user} 已停用或没有盘点权限。"


class TooFewCounters(Conflict):
    code = "COUNT_NEEDS_TWO_COUNTERS"
    message_en = ("Only {counters} person(s) could count this plan: a variance needs a recount "
                  "by someone other than the first counter. Name a second counter, or confirm "
                  "that a manager will add one or assign the recount when needed.")
    message_zh = ("只有 {counters} 人可盘点此计划：出现差异时须由首次盘点人以外的人复盘。"
                  "请再指定一名盘点人，或确认需要时由主管添加盘点人或指派复盘。")


class CounterCannotApprove(Conflict):
    code = "COUNTER_CANNOT_APPROVE"
    message_en = ("User {user} counted in {plan} and may not approve it: "
                  "a manager who did not count must.")
    message_zh = "用户 {user} 参与了盘点单 {plan} 的盘点，不能审批：须由未参与盘点的主管审批。"


class AlreadyApproved(Conflict):
    code = "COUNT_ALREADY_APPROVED"
    message_en = "Count {plan} was already approved (adjustment {doc_no})."
    message_zh = "盘点单 {plan} 已审批（调整单 {doc_no}）。"


class CountNotFinished(Conflict):
    code = "COUNT_NOT_FINISHED"
    message_en = ("Count {plan} is not finished: {open_tasks} location count(s) or "
                  "recount(s) open ({locations}).")
    message_zh = "盘点单 {plan} 未完成：{open_tasks} 个库位盘点或复盘未完成（{locations}）。"


class ReasonsMissing(Conflict):
    code = "COUNT_REASONS_MISSING"
    message_en = "{missing} variance line(s) of {plan} have no reason code (ids {lines})."
    message_zh = "盘点单 {plan} 有 {missing} 条差异行缺少原因代码（行号 {lines}）。"


class StockMovedAway(Conflict):
    code = "COUNT_STOCK_MOVED_AWAY"
    message_en = ("{problems} shortage(s) exceed the stock there today (first: {item} at "
                  "{location}, short {short}, on hand {on_hand}): recount those locations.")
    message_zh = ("{problems} 条盘亏超过当前库存（首条：{item}，库位 {location}，盘亏 {short}，"
                  "现有 {on_hand}）：请重新盘点这些库位。")


class NothingToCount(Conflict):
    code = "NOTHING_TO_COUNT"
    message_en = "The plan selects no location in {warehouse}."
    message_zh = "该计划在仓库 {warehouse} 中没有选中任何库位。"


class BadPlan(ValidationError):
    code = "COUNT_PLAN_INVALID"
    message_en = "The count plan is invalid: {summary}"
    message_zh = "盘点计划无效：{summary}"


class CancelReasonRequired(ValidationError):
    code = "COUNT_CANCEL_REASON_REQUIRED"
    message_en = "Give the reason for cancelling count {plan}."
    message_zh = "请填写取消盘点单 {plan} 的原因。"
