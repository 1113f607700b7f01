"""Errors of the cold chain: unknown sensors and breaches, refused decisions."""

from __future__ import annotations

from medwms.core.errors import Conflict, NotFound, ValidationError


class SensorNotFound(NotFound):
    code = "SENSOR_NOT_FOUND"
    message_en = "Sensor {sensor} does not exist."
    message_zh = "温度探头 {sensor} 不存在。"


class SensorExists(Conflict):
    code = "SENSOR_EXISTS"
    message_en = "Sensor {sensor} already exists."
    message_zh = "温度探头 {sensor} 已存在。"


class BadSensor(ValidationError):
    code = "BAD_SENSOR"
    message_en = "Sensor {sensor} is not valid: {summary}"
    message_zh = "温度探头 {sensor} 设置无效：{summary}"


class BreachNotFound(NotFound):
    code = "BREACH_NOT_FOUND"
    message_en = "Temperature breach {breach} does not exist."
    message_zh = "温度超标事件 {breach} 不存在。"


class BreachLotNotFound(NotFound):
    code = "BREACH_LOT_NOT_FOUND"
    message_en = "Breach {breach} has no affected lot line {line}."
    message_zh = "超标事件 {breach} 没有受影响批次行 {line}。"


class AlreadyDecided(Conflict):
    code = "BREACH_LOT_DECIDED"
    message_en = "Lot {lot} of breach {breach} was already decided: {disposition}."
    message_zh = "超标事件 {breach} 的批次 {lot} 已处理：{disposition}。"


class CommentRequired(ValidationError):
    code = "COMMENT_REQUIRED"
    message_en = "A comment is required: {summary}"
    message_zh = "必须填写说明：{summary}"


class BreachClosed(Conflict):
    code = "BREACH_CLOSED"
    message_en = "Breach {breach} is closed."
    message_zh = "超标事件 {breach} 已关闭。"


class BadReadingFile(ValidationError):
    code = "BAD_READING_FILE"
    message_en = "The logger file could not be read: {summary}"
    message_zh = "无法读取记录仪文件：{summary}"


class TooFewRecipients(ValidationError):
    code = "TOO_FEW_ALARM_RECIPIENTS"
    message_en = ("Area {area}: {count} alarm recipient(s) given — an alarm must reach at least "
                  "2 named people at once; name a second person. {summary}")
    message_zh = ("区域 {area}：报警接收人 {count} 人——报警须同时通知至少 2 名指定人员，"
                  "请再指定一人。{summary}")


class UnknownRecipient(NotFound):
    code = "ALARM_RECIPIENT_UNKNOWN"
    message_en = "Alarm recipient {user} of area {area} is not an active user."
    message_zh = "区域 {area} 的报警接收人 {user} 不是有效用户。"


class NotARecipient(Conflict):
    code = "NOT_AN_ALARM_RECIPIENT"
    message_en = ("{user} was not notified of alarm {breach} and may not acknowledge it "
                  "(a cold-chain manager may).")
    message_zh = "{user} 不是报警 {breach} 的接收人，不能确认（冷链管理人员可以）。"


class AckNoteRequired(ValidationError):
    code = "ALARM_NOTE_REQUIRED"
    message_en = "Acknowledging alarm {breach} needs a note of what was found or done. {summary}"
    message_zh = "确认报警 {breach} 须填写发现的情况或采取的措施。{summary}"


class NotManuallyMonitored(Conflict):
    code = "ZONE_NOT_MANUALLY_MONITORED"
    message_en = ("Zone {zone} is not set for manual temperature readings; a person with "
                  "cold-chain management rights switches it on first.")
    message_zh = "库区 {zone} 未设置为人工温湿度记录；请先由冷链管理人员开启。"


class BadManualReading(ValidationError):
    code = "BAD_MANUAL_READING"
    message_en = ("Manual reading for zone {zone} refused: {summary} (temperature −90…60 °C, "
                  "humidity 0…100 %).")
    message_zh = "库区 {zone} 的人工读数被拒绝：{summary}（温度 −90…60 °C，湿度 0…100 %）。"
