"""The reasons shipping writes on movements, in English as stored and in Chinese."""

from __future__ import annotations

from medwms.core.reasons import Reason

PACKED_INTO = Reason("PACKED_INTO", "packed into SSCC {sscc}", "装入物流单元 SSCC {sscc}")
SHIPPED_IN = Reason("SHIPPED_IN", "shipped in SSCC {sscc}", "随物流单元 SSCC {sscc} 发出")
LOST_IN_TRANSIT = Reason("LOST_IN_TRANSIT", "LOST in transit: {reason}", "在途丢失：{reason}",
                         "Lost in transit: {reason}")
RETURNED_FLAGGED = Reason("RETURNED_FLAGGED", "RETURN: {reason} [FLAGGED: {flag}]",
                          "客户退货：{reason}（已标记：{flag}）",
                          "Customer return: {reason} (flagged: {flag})")
RETURNED = Reason("RETURNED", "RETURN: {reason}", "客户退货：{reason}", "Customer return: {reason}")
NEVER_SHIPPED = Reason("NEVER_SHIPPED", "this {what} was never shipped to this customer",
                       "该{what}从未发往此客户")
MORE_RETURNED = Reason("MORE_RETURNED",
                       "more returned ({returned}) than shipped ({shipped}) to this customer",
                       "退回数量 {returned} 超过发往此客户的数量 {shipped}")
REASONS = (PACKED_INTO, SHIPPED_IN, LOST_IN_TRANSIT, RETURNED_FLAGGED, RETURNED, NEVER_SHIPPED,
           MORE_RETURNED)
