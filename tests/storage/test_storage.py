"""The file store: content-addressed, size and type checked on the content, names sanitised,
thumbnails cached, corrupted files refused. Each test has its own store folder."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image

from db import storage
from db.errors import ServiceError

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (640, 480)) -> bytes:
    """A real image of ``size`` in ``fmt``."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture(autouse=True)
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private store for the test, and the default size limit."""
    monkeypatch.setenv("MIF_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.delenv("MIF_UPLOAD_MAX_MB", raising=False)
    return tmp_path / "files"


def test_a_photo_is_stored_under_its_sha256(store_dir: Path) -> None:
    jpeg = image_bytes()
    stored = storage.store(jpeg)
    digest = hashlib.sha256(jpeg).hexdigest()
    assert stored.checksum == digest
    assert stored.path == f"{digest[:2]}/{digest[2:4]}/{digest}"
    assert (store_dir / stored.path).read_bytes() == jpeg
    assert stored.size == len(jpeg)
    assert stored.mime_type == "image/jpeg"
    assert stored.is_image


def test_the_same_content_is_stored_once(store_dir: Path) -> None:
    first = storage.store(PDF)
    mtime = (store_dir / first.path).stat().st_mtime_ns
    second = storage.store(PDF)
    assert second == first
    assert (store_dir / first.path).stat().st_mtime_ns == mtime
    assert len([p for p in store_dir.rglob("*") if p.is_file()]) == 1


@pytest.mark.parametrize(
    ("content", "mime"),
    [
        (image_bytes("PNG"), "image/png"),
        (image_bytes("WEBP"), "image/webp"),
        (PDF, "application/pdf"),
        ("Relevé ; pression ; 4,2 bar\n".encode(), "text/plain"),
    ],
)
def test_allowed_types_are_recognised_by_their_content(content: bytes, mime: str) -> None:
    assert storage.store(content).mime_type == mime


@pytest.mark.parametrize(
    "content",
    [EXE, ELF, b"\x00\x01\x02binary", b"GIF89a" + b"\x00" * 20, b"\xff\xfe\x00t\x00e", b"   "],
)
def test_other_content_is_refused_in_french_whatever_its_name(
    content: bytes, store_dir: Path
) -> None:
    with pytest.raises(ServiceError) as err:
        storage.store(content)
    assert "Type de fichier non autorisé" in err.value.message or "vide" in err.value.message
    assert not store_dir.exists() or not any(p.is_file() for p in store_dir.rglob("*"))


def test_a_file_that_only_starts_like_a_jpeg_is_refused() -> None:
    with pytest.raises(ServiceError, match="Image illisible"):
        storage.store(b"\xff\xd8\xff\xe0" + EXE)


def test_empty_and_non_bytes_are_refused() -> None:
    with pytest.raises(ServiceError, match="vide"):
        storage.store(b"")
    with pytest.raises(ServiceError, match="Fichier attendu"):
        storage.store("pas des octets")  # type: ignore[arg-type]


def test_size_limit_comes_from_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    assert storage.max_upload_bytes() == 10 * 1024 * 1024
    monkeypatch.setenv("MIF_UPLOAD_MAX_MB", "0.001")  # ~1 KB
    with pytest.raises(ServiceError, match="Fichier trop volumineux"):
        storage.store(PDF + b"x" * 2000)
    for bad in ("abc", "-5", "inf", "nan", "0"):
        monkeypatch.setenv("MIF_UPLOAD_MAX_MB", bad)
        assert storage.max_upload_bytes() == 10 * 1024 * 1024


def test_an_upload_over_the_default_limit_is_refused() -> None:
    too_big = PDF + b"0" * (10 * 1024 * 1024)
    with pytest.raises(ServiceError) as err:
        storage.store(too_big)
    assert err.value.message.startswith("Fichier trop volumineux")
    assert "10 Mo" in err.value.message


def test_a_decompression_bomb_is_refused() -> None:
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, format="PNG")  # small file, 144 Mpx
    with pytest.raises(ServiceError, match="Image trop grande"):
        storage.store(out.getvalue())


@pytest.mark.parametrize(
    ("name", "mime", "expected"),
    [
        ("../../etc/passwd", None, "passwd"),
        ("C:\\Users\\ali\\rapport final.pdf", "application/pdf", "rapport final.pdf"),
        ("photo.exe", "image/jpeg", "photo.exe.jpg"),
        ("PHOTO.JPEG", "image/jpeg", "PHOTO.JPEG"),
        ("rap\x00port\x1b.pdf", "application/pdf", "rapport.pdf"),
        ("facture\u202egpj.exe", None, "facturegpj.exe"),
        ('a<b>c:"d"|e?f*.txt', "text/plain", "a_b_c__d__e_f_.txt"),
        ("...", None, "fichier"),
        ("", "application/pdf", "fichier.pdf"),
        (None, None, "fichier"),
        ("CON.txt", "text/plain", "_CON.txt"),
        (".bashrc", "text/plain", "bashrc.txt"),
        ("\ud800.pdf", "application/pdf", "_.pdf"),
        ("relevé 🔧.csv", "text/plain", "relevé 🔧.csv"),
    ],
)
def test_names_are_sanitised(name: object, mime: str | None, expected: str) -> None:
    assert storage.sanitize_filename(name, mime) == expected


def test_long_names_are_capped_keeping_the_extension() -> None:
    name = storage.sanitize_filename("r" * 500 + ".pdf", "application/pdf")
    assert len(name) == storage.MAX_NAME_LENGTH
    assert name.endswith(".pdf")


def test_read_verified_returns_the_content() -> None:
    stored = storage.store(PDF)
    assert storage.read_verified(stored.checksum) == PDF
    assert storage.exists(stored.checksum)


def test_a_corrupted_file_is_refused(store_dir: Path) -> None:
    stored = storage.store(PDF)
    (store_dir / stored.path).write_bytes(PDF.replace(b"Catalog", b"Catalag"))
    with pytest.raises(ServiceError) as err:
        storage.read_verified(stored.checksum)
    assert err.value.rule == "fichier_corrompu"
    assert "corrompu" in err.value.message
    # Uploading the same content again repairs the stored copy.
    storage.store(PDF)
    assert storage.read_verified(stored.checksum) == PDF


def test_missing_file_and_bad_checksums_are_refused_in_french() -> None:
    with pytest.raises(ServiceError, match="introuvable"):
        storage.read_verified("0" * 64)
    for bad in ("../../etc/passwd", "ABC", "0" * 63 + "g", None, 12, "0" * 64 + "\n"):
        with pytest.raises(ServiceError, match="Empreinte de fichier invalide"):
            storage.read_verified(bad)


def test_thumbnails_are_bounded_cached_and_only_for_photos(store_dir: Path) -> None:
    photo = storage.store(image_bytes(size=(2000, 1000)))
    thumb = storage.thumbnail(photo.checksum, 200)
    assert thumb is not None
    with Image.open(io.BytesIO(thumb)) as img:
        assert img.format == "JPEG"
        assert max(img.size) == 200
    cached = list((store_dir / "thumbs").rglob("*.jpg"))
    assert len(cached) == 1
    assert storage.thumbnail(photo.checksum, 200) == thumb  # served from the cache
    huge = storage.thumbnail(photo.checksum, 10**9)
    assert huge is not None
    with Image.open(io.BytesIO(huge)) as img:
        assert max(img.size) == storage.THUMB_MAX
    assert storage.thumbnail(storage.store(PDF).checksum) is None


def test_a_thumbnail_is_not_made_from_a_corrupted_photo(store_dir: Path) -> None:
    photo = storage.store(image_bytes())
    (store_dir / photo.path).write_bytes(image_bytes(size=(10, 10)))
    with pytest.raises(ServiceError, match="corrompu"):
        storage.thumbnail(photo.checksum)
