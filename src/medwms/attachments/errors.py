"""Refusals of an uploaded paper or photo, each naming what is wrong and how to fix it.

    AttachmentEmpty(ValidationError)        422  the file has no bytes
    AttachmentTooLarge(ValidationError)     422  over the size limit
    AttachmentTypeRefused(ValidationError)  422  the content is not a PDF, JPEG or PNG
    └── AttachmentTypeRefusedCsv            422  … nor CSV text, where CSV is allowed
    AttachmentNotFound(NotFound)            404  no attachment with that id
    AttachmentDamaged(Conflict)             409  the kept file no longer hashes to its record
"""

from __future__ import annotations

from typing import Any

from medwms.core.errors import Conflict, NotFound, Problem, ValidationError


class FileRefused(ValidationError):
    """A refused file: its message is also the one problem, on the form's `file` field."""

    def __init__(self, **fields: Any) -> None:
        problem = Problem(self.message_en.format(**fields), column="file",
                          value=str(fields.get("filename", "")),
                          message_zh=self.message_zh.format(**fields))
        super().__init__([problem], summary=problem.message, **fields)


class AttachmentEmpty(FileRefused):
    code = "ATTACHMENT_EMPTY"
    message_en = "The file {filename} is empty: choose the scan or photo again."
    message_zh = "文件 {filename} 是空的：请重新选择扫描件或照片。"


class AttachmentTooLarge(FileRefused):
    code = "ATTACHMENT_TOO_LARGE"
    message_en = ("The file {filename} is {size} bytes, over the limit of {limit} bytes: "
                  "scan at a lower resolution or split it.")
    message_zh = ("文件 {filename} 有 {size} 字节，超过上限 {limit} 字节："
                  "请降低扫描分辨率或分开上传。")


class AttachmentTypeRefused(FileRefused):
    code = "ATTACHMENT_TYPE_REFUSED"
    message_en = ("The file {filename} is not a PDF, JPEG or PNG by its content "
                  "(whatever its name says): upload the scan as PDF, JPEG or PNG.")
    message_zh = ("按文件内容判断，{filename} 不是 PDF、JPEG 或 PNG（与文件名无关）："
                  "请以 PDF、JPEG 或 PNG 上传。")


class AttachmentTypeRefusedCsv(AttachmentTypeRefused):
    code = "ATTACHMENT_TYPE_REFUSED"
    message_en = ("The file {filename} is not a PDF, JPEG, PNG or UTF-8 CSV text by its "
                  "content (whatever its name says): upload the logger's CSV export or a scan.")
    message_zh = ("按文件内容判断，{filename} 不是 PDF、JPEG、PNG 或 UTF-8 编码的 CSV 文本"
                  "（与文件名无关）：请上传温度记录仪导出的 CSV 或扫描件。")


class AttachmentNotFound(NotFound):
    code = "ATTACHMENT_NOT_FOUND"
    message_en = "Attachment {attachment_id} was not found."
    message_zh = "未找到附件 {attachment_id}。"


class AttachmentDamaged(Conflict):
    code = "ATTACHMENT_DAMAGED"
    message_en = ("The kept file of attachment {attachment_id} is missing or changed "
                  "(SHA-256 {sha256}): restore it from the backup.")
    message_zh = "附件 {attachment_id} 的存档文件丢失或已被改动（SHA-256 {sha256}）：请从备份恢复。"
