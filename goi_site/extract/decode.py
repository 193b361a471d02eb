"""Bytes of a text file → str, or a clear reason why it is not a text report.

UTF-8 (with or without BOM), UTF-16 (with a BOM, or Chinese text without one), and GB18030 (a superset of GBK and
GB2312, which many government sites still serve) are recognised.
"""

from __future__ import annotations

import codecs
import re

from goi_site.core.errors import InputError

MAX_BYTES = 5 * 1024 * 1024  # a report is tens of kilobytes; 5 MB is generous

_MAGIC = {
    b"%PDF": "a PDF file, not extracted text",
    b"PK\x03\x04": "a ZIP container (a .docx or .xlsx?), not extracted text",
    b"\xd0\xcf\x11\xe0": "an old Office document (.doc/.xls), not extracted text",
    b"\x89PNG": "a PNG image, not text",
    b"\xff\xd8\xff": "a JPEG image, not text",
    b"GIF8": "a GIF image, not text",
    b"\x1f\x8b": "a gzip archive, not text",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) or raise InputError with the reason."""
    if not data.strip():
        raise InputError("the file is empty")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"this is {what}")
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data, "utf-16"), "utf-16"
    if b"\x00" in data[:8192]:
        for encoding in ("utf-16-le", "utf-16-be"):  # UTF-16 saved without a BOM (some Windows tools)
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _plausible_chinese(text.replace("\r", "").replace("\t", " ")):
                return text, encoding
        raise InputError("this is a binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError("the text is neither UTF-8 nor GB18030/GBK; re-save it as UTF-8") from None
    if not _plausible_chinese(text):
        raise InputError("the text is neither UTF-8 nor GB18030/GBK; re-save it as UTF-8")
    return text, "gb18030"


def _checked(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"the file says it is {encoding} but byte {exc.start} is not") from None


def _plausible_chinese(text: str) -> bool:
    """GB18030 decodes most byte soups; real Chinese text is mostly common ideographs."""
    sample = text[:20000]
    visible = [ch for ch in sample if not ch.isspace()]
    if not visible:
        return False
    cjk = len(_CJK.findall(sample))
    control = len(_CONTROL.findall(sample))
    return control == 0 and cjk / len(visible) > 0.3
