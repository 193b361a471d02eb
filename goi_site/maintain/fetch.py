"""Download a report from its web address (`goi add URL`), with the standard library only.

Bounded on every side a server can misbehave on: a timeout on each network wait and
on the whole download, a size limit checked against Content-Length and again while
streaming (a 200 MB body is never held in memory), and a redirect limit (a loop stops
there). The type comes from the bytes first and the headers second: servers often
send a PDF as application/octet-stream, or a page as text/plain.
"""

from __future__ import annotations

import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from email.message import Message
from io import BytesIO

from goi_site.core.errors import GoiError

TIMEOUT_SECONDS = 30.0
MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024  # the largest source `goi add` reads from a file
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
USER_AGENT = "goi-site/0.1 (goi add: one report, fetched once by a maintainer)"


class FetchError(GoiError):
    """The address could not be downloaded as a report file; the message says why, in one line."""


@dataclass
class Fetched:
    url: str  # the address asked for
    final_url: str  # after redirects: where the report was published
    content_type: str
    data: bytes
    suffix: str  # .html, .pdf, .docx or .txt: how extract.py reads it

    @property
    def name(self) -> str:
        """A file name for the record (`extracted_from`): the last part of the address."""
        tail = urllib.parse.unquote(urllib.parse.urlsplit(self.final_url).path.rstrip("/").rsplit("/", 1)[-1])
        tail = re.sub(r"[^\w.\-]+", "_", tail)[:80]
        if not tail or not tail.lower().endswith(self.suffix):
            tail = (tail.rsplit(".", 1)[0] if "." in tail else tail or "download") + self.suffix
        return tail


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS
    max_repeats = 2  # the same address twice is a loop: stop early

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            raise FetchError(f"redirected to {newurl!r}, which is not an http(s) address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)

    def http_error_302(self, req, fp, code, msg, headers):
        try:
            return super().http_error_302(req, fp, code, msg, headers)
        except urllib.error.HTTPError as exc:
            if "redirect" in str(exc.msg).lower():  # urllib's "infinite loop" / too many redirections
                raise FetchError(
                    f"more than {MAX_REDIRECTS} redirects, or a redirect loop; "
                    "open the address in a browser and give the final one"
                ) from None
            raise

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def is_url(text: str) -> bool:
    return bool(re.match(r"(?i)https?://", text))


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_DOWNLOAD_BYTES) -> Fetched:
    """Download `url` (http or https). Raises FetchError with a one-line reason."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError("give an http:// or https:// address")
    opener = urllib.request.build_opener(_Redirects())
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(
                    f"the server says the file is {int(length) / 1e6:.0f} MB; a report is at most "
                    f"{max_bytes // 2**20} MB"
                )
            data = _read_bounded(response, max_bytes, deadline, timeout)
            final_url = response.geturl()
            content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
            disposition = response.headers.get("Content-Disposition", "")
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(f"the server answered HTTP {exc.code} {exc.reason}") from None
    except TimeoutError:
        raise FetchError(f"no answer within {timeout:g} s (timed out)") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise FetchError(f"no answer within {timeout:g} s (timed out)") from None
        raise FetchError(f"could not connect: {reason}") from None
    except (OSError, ValueError) as exc:  # a reset connection, a malformed answer
        raise FetchError(f"the download failed: {exc}") from None
    if not data.strip():
        raise FetchError("the server sent an empty answer")
    return Fetched(url, final_url, content_type, data, detect_suffix(data, content_type, _filename(disposition)))


def _read_bounded(response, max_bytes: int, deadline: float, timeout: float) -> bytes:
    """Stream the body in chunks; stop as soon as it passes the limit or the deadline."""
    buffer = BytesIO()
    while True:
        chunk = response.read(CHUNK)
        if not chunk:
            return buffer.getvalue()
        if buffer.tell() + len(chunk) > max_bytes:
            raise FetchError(
                f"the file is larger than {max_bytes // 2**20} MB (stopped reading); "
                "a report is much smaller: is this the right address?"
            )
        if time.monotonic() > deadline:
            raise FetchError(f"the download took longer than {timeout:g} s (timed out)")
        buffer.write(chunk)


def _filename(disposition: str) -> str:
    if not disposition:
        return ""
    message = Message()
    message["Content-Disposition"] = disposition
    return message.get_filename() or ""


def detect_suffix(data: bytes, content_type: str, filename: str = "") -> str:
    """The reader to use: the bytes decide when they are unmistakable, then the headers."""
    if data.startswith(b"%PDF"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            raise FetchError("the file is a damaged ZIP archive") from None
        if "word/document.xml" in names:
            return ".docx"
        raise FetchError("the file is a ZIP archive, not a Word .docx file; unpack it and add the report inside")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FetchError("the file is an old Word .doc (or Excel .xls); save it as .docx and add that file")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if (
        head.startswith((b"<!doctype html", b"<html", b"<?xml"))
        or b"<body" in data[:65536].lower()
        or content_type in ("text/html", "application/xhtml+xml")
    ):
        return ".html"
    if content_type == "application/pdf" or filename.lower().endswith(".pdf"):
        raise FetchError("the server says this is a PDF, but the bytes are not one (an error page?)")
    if content_type.startswith("image/"):
        raise FetchError(f"the address is an image ({content_type}); a scanned report needs text recognition first")
    if content_type in ("", "text/plain", "application/octet-stream") or filename.lower().endswith(".txt"):
        return ".txt"
    raise FetchError(f"unsupported type {content_type}; give the address of the report's page, PDF or .docx")
