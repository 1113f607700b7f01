"""Refusals of the verification station (复核), each with a stable code.

A re-scanned unit is read as the picking station reads it, so verification also raises
medwms.picking.errors' UnknownGtin, SerialRequired and SerialNeedsOneUnit.

    NotFound
    ├── OrderNotFound             ORDER_NOT_FOUND
    ├── VerificationNotFound      VERIFICATION_NOT_FOUND
    ├── DiscrepancyNotFound       DISCREPANCY_NOT_FOUND
    └── ReviewBlockNotFound       REVIEW_BLOCK_NOT_FOUND
    Conflict
    ├── OrderNotPicked            ORDER_NOT_PICKED: verification needs a PICKED order
    ├── VerificationClosed        VERIFICATION_CLOSED: already PASSED
    ├── AlreadyResolved           ALREADY_RESOLVED
    ├── BadResolution             BAD_RESOLUTION: the action does not fit the discrepancy
    ├── UnitNotRescanned          UNIT_NOT_RESCANNED: "found" but not scanned yet
    └── ReviewBlockCleared        REVIEW_BLOCK_CLEARED: the quality task was decided already
    PermissionDenied
    ├── VerifierWasPicker         VERIFIER_WAS_PICKER (GSP: a second person verifies)
    └── NotYourVerification       NOT_YOUR_VERIFICATION
    ScanRefused (the station shows red; nothing is written)
    ├── SerialAlreadyVerified     SERIAL_ALREADY_VERIFIED
    ├── BadChecklist              BAD_CHECKLIST: a condition the checklist does not have
    └── AnomalyNeedsNote          ANOMALY_NEEDS_NOTE: "other anomaly" says what it is
"""

from __future__ import annotations

from medwms.core.errors import Conflict, NotFound, PermissionDenied, ScanRefused


class OrderNotFound(NotFound):
    code = "ORDER_NOT_FOUND"
    message_en = "Order {order_no} was not found."
    message_zh = "未找到出库单 {order_no}。"


class VerificationNotFound(NotFound):
    code = "VERIFICATION_NOT_FOUND"
    message_en = "Verification {verification_no} was not found."
    message_zh = "未找到复核单 {verification_no}。"


class DiscrepancyNotFound(NotFound):
    code = "DISCREPANCY_NOT_FOUND"
    message_en = "Verification {verification_no} has no discrepancy line {line_id}."
    message_zh = "复核单 {verification_no} 没有差异行 {line_id}。"


class OrderNotPicked(Conflict):
    code = "ORDER_NOT_PICKED"
    message_en = "Order {order_no} is {status}: only a fully picked order is verified."
    message_zh = "出库单 {order_no} 状态为 {status}：只有拣货完成的出库单才能复核。"


class VerificationClosed(Conflict):
    code = "VERIFICATION_CLOSED"
    message_en = "Verification {verification_no} has passed: it cannot be changed."
    message_zh = "复核单 {verification_no} 已通过，不能再修改。"


class AlreadyResolved(Conflict):
    code = "ALREADY_RESOLVED"
    message_en = "Discrepancy {line_id} was already resolved: {resolution}"
    message_zh = "差异 {line_id} 已处理：{resolution}"


class BadResolution(Conflict):
    code = "BAD_RESOLUTION"
    message_en = ("A {discrepancy} discrepancy is resolved with {allowed}, not {action}; "
                  "and the reason must be written.")
    message_zh = "{discrepancy} 差异只能以 {allowed} 处理（不是 {action}），并须填写原因。"


class UnitNotRescanned(Conflict):
    code = "UNIT_NOT_RESCANNED"
    message_en = ("The missing {item} lot {lot}{serial} is not re-scanned yet: scan it at the "
                  "verification station, then resolve as found.")
    message_zh = "缺少的 {item} 批号 {lot}{serial} 尚未复扫：请先在复核台扫描，再按“已找到”处理。"


class VerifierWasPicker(PermissionDenied):
    code = "VERIFIER_WAS_PICKER"
    message_en = ("{user} picked order {order_no}: another person must verify it "
                  "(GSP outbound review).")
    message_zh = "{user} 拣过出库单 {order_no} 的货：须由另一人复核（GSP出库复核）。"


class NotYourVerification(PermissionDenied):
    code = "NOT_YOUR_VERIFICATION"
    message_en = "Verification {verification_no} is being done by {verifier}, not {user}."
    message_zh = "复核单 {verification_no} 由 {verifier} 复核，{user} 不能扫描。"


class SerialAlreadyVerified(ScanRefused):
    code = "SERIAL_ALREADY_VERIFIED"
    message_en = "Serial {serial} of {item} was already verified: set it with the checked units."
    message_zh = "{item} 序列号 {serial} 已复核过：请放入已复核货品中。"


class BadChecklist(ScanRefused):
    code = "BAD_CHECKLIST"
    message_en = "The review checklist has no condition {value}: choose from {allowed}."
    message_zh = "复核检查项中没有 {value}：请从 {allowed} 中选择。"


class AnomalyNeedsNote(ScanRefused):
    code = "ANOMALY_NEEDS_NOTE"
    message_en = "\"Other anomaly\" was chosen: write what is wrong with the unit, then scan it."
    message_zh = "选择了“其他异常”：请写明该货品的问题后再扫描。"


class ReviewBlockNotFound(NotFound):
    code = "REVIEW_BLOCK_NOT_FOUND"
    message_en = "Review block {block_id} was not found."
    message_zh = "未找到复核拦截任务 {block_id}。"


class ReviewBlockCleared(Conflict):
    code = "REVIEW_BLOCK_CLEARED"
    message_en = "Review block {block_id} was already decided: {decision}"
    message_zh = "复核拦截任务 {block_id} 已处理：{decision}"
