"""`goi add URL` against a real HTTP server on 127.0.0.1: a page with site chrome and a
metadata table, a PDF, a .docx; and the ways a download goes wrong, each one clear line
with nothing written."""

from __future__ import annotations

import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from goi_site.maintain.fetch import FetchError, detect_suffix

from .conftest import FIXTURES
from .test_add import ZHENGZHOU, goi, values

SOURCES = FIXTURES / "sources"
HUGE = 200 * 1024 * 1024


def _page_with_chrome() -> bytes:
    """The 郑州 report as a government site serves it: header, breadcrumbs, the 信息公开
    metadata table, the article, a footer."""
    html = (SOURCES / "report.html").read_text(encoding="utf-8")
    chrome = (
        '<div class="header"><a href="/">郑州市商务局</a> | <a href="/xxgk">政府信息公开</a> | 无障碍 | 长者模式</div>'
        '<table class="meta"><tr><td>索引号：</td><td>11410100005253033R/2024-00012</td>'
        "<td>发布机构：</td><td>郑州市商务局</td></tr>"
        "<tr><td>名称：</td><td>郑州市商务局2023年政府信息公开工作年度报告</td>"
        "<td>发布日期：</td><td>2024-01-19</td></tr></table>"
    )
    footer = '<div class="footer">主办：郑州市商务局 ICP备案号 豫ICP备00000000号 网站标识码 4101000000</div>'
    return html.replace("<body>", "<body>" + chrome, 1).replace("</body>", footer + "</body>", 1).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass

    def _send(self, body: bytes, content_type: str, extra: dict | None = None, code: int = 200):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (the http.server API)
        path = self.path
        if path == "/art/2024/1/19/report.html":
            self._send(_page_with_chrome(), "text/html; charset=utf-8")
        elif path == "/files/report.pdf":  # servers often send PDFs as octet-stream: the bytes decide
            self._send((SOURCES / "report.pdf").read_bytes(), "application/octet-stream")
        elif path == "/download?id=3":
            self._send(
                (SOURCES / "report.docx").read_bytes(),
                "application/octet-stream",
                {"Content-Disposition": 'attachment; filename="report.docx"'},
            )
        elif path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/files/report.pdf")
            self.end_headers()
        elif path in ("/loop", "/loop2"):
            self.send_response(302)
            self.send_header("Location", "/loop2" if path == "/loop" else "/loop")
            self.end_headers()
        elif path == "/slow":
            time.sleep(5)
            self._send(b"late", "text/plain")
        elif path == "/huge":  # declared: refused before a byte of the body is read
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(HUGE))
            self.end_headers()
            self._stream(HUGE)
        elif path == "/huge-undeclared":  # no length: the reader must stop by itself
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.end_headers()
            self.wfile.write(b"%PDF-1.4\n")
            self._stream(HUGE)
        elif path == "/notice.html":
            self._send(
                "<html><head><title>关于召开会议的通知</title></head><body><p>各单位：定于明日召开会议。</p>"
                "</body></html>".encode(),
                "text/html; charset=utf-8",
            )
        else:
            self._send(b"<html><body>404 Not Found</body></html>", "text/html", code=404)

    def _stream(self, size: int):
        chunk = b"\0" * 65536  # 200 MB is sent, never held
        try:
            for _ in range(size // len(chunk)):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    "path, name",
    [
        ("/art/2024/1/19/report.html", "report.html (HTML)"),
        ("/files/report.pdf", "report.pdf (PDF)"),
        ("/download?id=3", "download.docx (Word)"),
        ("/moved", "report.pdf (PDF)"),
    ],
)
def test_add_url_reads_the_report_and_records_where_from(server, tmp_path, path, name):
    data = tmp_path / "data"
    run = goi("add", server + path, "--data", str(data))
    assert run.returncode == 0, run.stderr
    written = data / "henan" / "410100-shangwuju" / "2023.txt"
    assert values(written) == values(ZHENGZHOU)
    meta = written.with_suffix(".yml").read_text(encoding="utf-8")
    final = server + ("/files/report.pdf" if path == "/moved" else path)  # after the redirect
    assert f"source_url: {final}" in meta
    assert f"retrieved: {dt.date.today().isoformat()}" in meta
    assert f"extracted_from: {name}" in meta
    assert "agency: 郑州市商务局" in meta
    assert goi("validate", str(data), "--fail-on", "error").returncode == 0


@pytest.mark.parametrize(
    "path, expect",
    [
        ("/nothing-here", "HTTP 404"),
        ("/slow", "timed out"),
        ("/loop", "redirect loop"),
        ("/huge", "the server says the file is 210 MB"),
        ("/huge-undeclared", "larger than 50 MB (stopped reading)"),
        ("/notice.html", "no statistical table"),
    ],
)
def test_download_failures_give_one_line_and_write_nothing(server, tmp_path, path, expect):
    data = tmp_path / "data"
    started = time.monotonic()
    run = goi("add", server + path, "--data", str(data), "--timeout", "1")
    assert run.returncode == 1, run.stdout
    errors = run.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"goi: {server + path}: ") and expect in errors[0], errors
    assert "Traceback" not in run.stderr and not data.exists()
    assert time.monotonic() - started < 60


def test_not_http_is_refused(tmp_path):
    run = goi("add", "ftp://example.org/report.pdf", "--data", str(tmp_path / "data"))
    assert run.returncode == 1 and "no such file" in run.stderr and not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    "data, content_type, expect",
    [
        (b"%PDF-1.7 ...", "text/html", ".pdf"),  # the bytes win over a wrong header
        (b"<!DOCTYPE html><html>", "application/octet-stream", ".html"),
        ("报告正文".encode(), "text/plain", ".txt"),
        (b"\xd0\xcf\x11\xe0rest", "application/msword", "old Word .doc"),
        (b"PK\x03\x04broken", "application/zip", "damaged ZIP"),
        (b"\x89PNG", "image/png", "image"),
        (b"<error/>", "application/pdf", "not one"),
    ],
)
def test_type_from_bytes_then_headers(data, content_type, expect):
    try:
        got = detect_suffix(data, content_type)
    except FetchError as exc:
        got = str(exc)
    assert expect in got
