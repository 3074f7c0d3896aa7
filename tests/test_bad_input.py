"""Bad input: one line on stderr naming the input and the reason, exit 1 (2 for usage)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .httpserver import LocalServer, slow, static

TOCSIN = [sys.executable, "-m", "tocsin"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*TOCSIN, *args], input=stdin, capture_output=True, timeout=300)
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    )


def one_line(proc: subprocess.CompletedProcess[str], name: str, reason: str, code: int = 1) -> None:
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == code, proc.stderr
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("tocsin"), lines[0]
    assert name in lines[0] and reason in lines[0].lower(), lines[0]
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_missing_file(tmp_path):
    one_line(run("analyze", str(tmp_path / "nope.txt")), "nope.txt", "no such file")


def test_directory(tmp_path):
    one_line(run("analyze", str(tmp_path)), str(tmp_path), "directory")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"   \n\n ")
    one_line(run("analyze", str(p)), "empty.txt", "empty")


@pytest.mark.parametrize(
    "name,data,what",
    [
        ("doc.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj", "pdf"),
        ("img.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png"),
        ("photo.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "jpeg"),
        ("blob.bin", b"abc\x00\x01\x02\x03" * 100, "binary"),
    ],
)
def test_binary_files(tmp_path, name, data, what):
    p = tmp_path / name
    p.write_bytes(data)
    one_line(run("analyze", str(p)), name, what)


def test_html_without_text(tmp_path):
    p = tmp_path / "blank.html"
    p.write_text(
        "<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav><div></div></body></html>"
    )
    one_line(run("analyze", str(p)), "blank.html", "no article text")


def test_invalid_utf8(tmp_path):
    p = tmp_path / "broken.txt"
    p.write_bytes(
        "L’armée a déclaré ".encode() + b"\xff\xfe\xfa" + "que la frappe était terminée.".encode()
    )
    one_line(run("analyze", str(p)), "broken.txt", "utf-8")


def test_legacy_encoding_is_decoded_with_a_warning(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes(
        "Le ministre a déclaré que l’armée française était prête à réagir.".replace(
            "’", "'"
        ).encode("latin-1")
    )
    proc = run("analyze", str(p))
    assert proc.returncode == 0, proc.stderr
    assert "déclaré" in proc.stdout and "cp1252" in proc.stderr


def test_huge_file(tmp_path):
    p = tmp_path / "huge.txt"
    with p.open("wb") as fh:
        fh.write(b"La guerre continue. " * (50 * 1024 * 1024 // 20))
    one_line(run("analyze", str(p)), "huge.txt", "too large")


def test_usage_error_is_one_line_exit_2(tmp_path):
    one_line(run("analyze", "x.txt", "--format", "xml"), "--format", "invalid value", code=2)
    one_line(
        run("analyze", "x.txt", "--published", "yesterday-ish"), "--published", "not a date", code=2
    )
    one_line(run("analyze", "x.txt", "--lang", "french"), "--lang", "iso 639-1", code=2)


def test_debug_shows_traceback(tmp_path):
    proc = run("--debug", "analyze", str(tmp_path / "nope.txt"))
    assert proc.returncode == 1 and "Traceback" in proc.stderr


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://10.0.0.7/article",
        "http://169.254.169.254/latest",
        "http://[::1]/x",
        "http://localhost:8000/",
    ],
)
def test_private_addresses_refused(url):
    one_line(
        run("analyze", url),
        url.split("/")[2].strip("[]").split(":")[0] if "[" not in url else "::1",
        "refused",
    )


def test_fetch_errors_on_a_real_local_server():
    article = (
        "<html><head><title>Strike</title></head><body><article><p>"
        + "Russian forces struck the city of Kharkiv overnight, regional officials said. " * 5
        + "</p></article></body></html>"
    ).encode()
    routes = {
        "/ok": static(article),
        "/404": static(b"gone", status=404),
        "/500": static(b"oops", status=500),
        "/slow": slow(3),
        "/big": static(b"a" * (11 * 1024 * 1024), ctype="text/plain"),
        "/to-private": static(b"", status=302, Location="http://10.1.2.3/secret"),
    }
    with LocalServer(routes) as srv:
        proc = run("analyze", srv.url("/ok"), "--allow-private")
        assert proc.returncode == 0, proc.stderr
        assert "Kharkiv" in proc.stdout
        one_line(run("analyze", srv.url("/ok")), "127.0.0.1", "refused")
        one_line(run("analyze", srv.url("/404"), "--allow-private"), "/404", "404")
        one_line(run("analyze", srv.url("/500"), "--allow-private"), "/500", "500")
        one_line(
            run("analyze", srv.url("/slow"), "--allow-private", "--timeout", "0.5"),
            "/slow",
            "timed out",
        )
        one_line(run("analyze", srv.url("/big"), "--allow-private"), "/big", "too large")


def test_redirect_to_private_address_is_checked_again():
    from tocsin.errors import FetchError
    from tocsin.ingest import web

    # Allowed to reach the local test server, but the redirect target is re-checked:
    # with the guard on for it, 10.x is refused before any connection.
    with pytest.raises(FetchError, match="refused"):
        web.check_address("http://10.1.2.3/secret", allow_private=False)
    routes = {"/hop": static(b"", status=302, Location="http://127.0.0.1:9/final")}
    with LocalServer(routes) as srv:
        proc = run("analyze", srv.url("/hop"))
        one_line(proc, "127.0.0.1", "refused")


def test_batch_goes_on_after_a_bad_input(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(
        "NATO said on Monday that it would send more troops to Poland and the Baltic states.",
        "utf-8",
    )
    proc = run("analyze", str(tmp_path / "missing.txt"), str(good))
    assert proc.returncode == 1
    assert "missing.txt: no such file" in proc.stderr
    assert len(proc.stdout.strip().splitlines()) == 1
