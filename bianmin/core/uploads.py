"""Evidence files staff attach (rectification tickets, appeals, hotline work orders): one rule for size and type.

Only kinds a service centre produces are taken — photos, scans, office documents, call recordings — so an
upload can never be a page or a script served back to another person.
"""
from __future__ import annotations

from .errors import InvalidInput

MAX_FILE_BYTES = 10 * 1024 * 1024
ALLOWED_FILE_TYPES = (".jpg", ".jpeg", ".png", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".txt", ".mp3", ".m4a",
                      ".wav", ".amr")


def check_upload(uploaded) -> str:
    """The name to store an acceptable upload under; InvalidInput (422) otherwise. Writes nothing."""
    if uploaded is None:
        raise InvalidInput("请选择文件。", "Choose a file.", field="file")
    name = (uploaded.name or "file")[-200:]
    if uploaded.size > MAX_FILE_BYTES:
        raise InvalidInput("文件过大（最大 10 MB）。", "File too large (max 10 MB).", field="file")
    if not name.lower().endswith(ALLOWED_FILE_TYPES):
        raise InvalidInput("文件类型不支持（可上传图片、PDF、Office 文档、录音）。",
                           "Unsupported file type (images, PDF, Office documents, audio).", field="file")
    return name
