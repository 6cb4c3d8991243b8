"""File storage of uploaded documents and photos: content-addressed, checked, verified.

A file is stored once under ``<data folder>/files/ab/cd/<sha-256 hex>`` (``MIF_FILES_DIR``
overrides the folder): the path is derived from the SHA-256 of the content, so the same photo
uploaded twice takes the space of one, a database row only needs the checksum, and a file
written before its row is committed is harmless when the transaction fails (an orphan that a
later upload of the same content reuses).

What is checked, and why:

* **Size**: at most ``MIF_UPLOAD_MAX_MB`` megabytes (default 10), before anything is written.
* **Type on the content**, never on the name: the first bytes must be those of a JPEG, PNG,
  WebP or PDF file, or the whole file must be plain UTF-8 text (notes, CSV exports). An
  executable renamed ``photo.jpg`` starts with ``MZ`` or ``\\x7fELF`` and is refused. Images
  are also opened by Pillow, so a file that only *starts* like a JPEG is refused too.
* **Names**: only the last path component is kept, control and reserved characters are
  replaced, the length is capped, and an extension that does not match the content gets the
  right one appended (``photo.exe`` holding a JPEG becomes ``photo.exe.jpg``).
* **Reading**: :func:`read_verified` recomputes the SHA-256 and refuses a file whose content no
  longer matches its checksum (disk corruption, tampering).

Thumbnails of photos are computed on demand, bounded in size, and cached on disk by checksum
and size (``files/thumbs/``). Nothing here touches the database or streamlit; refusals are
``ServiceError`` with French messages.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from db import config
from db.errors import ServiceError

DEFAULT_MAX_MB = 10
MAX_NAME_LENGTH = 120
THUMB_DEFAULT = 256
THUMB_MIN, THUMB_MAX = 32, 1024
# A photo of a modern phone is ~50 megapixels at most; beyond this a "photo" is a
# decompression bomb (a few kilobytes that expand to gigabytes of pixels).
MAX_IMAGE_PIXELS = 80_000_000
CHECKSUM_RE = re.compile(r"[0-9a-f]{64}")

# Detected type -> (extensions that fit it, the one appended when the name has none of them).
MIME_EXTENSIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "image/jpeg": ((".jpg", ".jpeg", ".jpe", ".jfif"), ".jpg"),
    "image/png": ((".png",), ".png"),
    "image/webp": ((".webp",), ".webp"),
    "application/pdf": ((".pdf",), ".pdf"),
    "text/plain": ((".txt", ".csv", ".log", ".md"), ".txt"),
}
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
ALLOWED_LABEL = "JPEG, PNG, WebP, PDF ou texte"

# Reserved on Windows (a downloaded file must open on the client's PC) and path separators.
_RESERVED_CHARS = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
# Text files: tab, line feed, carriage return and form feed are the only control characters.
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class StoredFile:
    """A file in the store: what a ``documents`` row records about it."""

    checksum: str
    size: int
    mime_type: str
    path: str  # relative to the store: ab/cd/<hex> (the documents.chemin column)

    @property
    def is_image(self) -> bool:
        """A photo (thumbnails can be made of it)."""
        return self.mime_type in IMAGE_TYPES


# ------------------------------------------------------------------------------ settings


def files_root() -> Path:
    """Folder of the store (``MIF_FILES_DIR``, default ``<data folder>/files``)."""
    explicit = os.environ.get("MIF_FILES_DIR")
    root = Path(explicit).expanduser().resolve() if explicit else config.data_dir() / "files"
    root.mkdir(parents=True, exist_ok=True)
    return root


def max_upload_bytes() -> int:
    """Upload size limit in bytes (``MIF_UPLOAD_MAX_MB``, default 10; a bad value → 10)."""
    raw = os.environ.get("MIF_UPLOAD_MAX_MB", "")
    try:
        mb = float(raw) if raw.strip() else DEFAULT_MAX_MB
    except ValueError:
        mb = DEFAULT_MAX_MB
    if not 0 < mb <= 1024:  # also refuses nan and inf
        mb = DEFAULT_MAX_MB
    return int(mb * 1024 * 1024)


def _fmt_mb(n_bytes: int) -> str:
    return f"{n_bytes / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0") + " Mo"


# ------------------------------------------------------------------------------ checks


def detect_mime(content: bytes) -> str | None:
    """MIME type read from the content's first bytes (None: not an allowed type).

    Plain text is recognised only when the whole content is UTF-8 without NUL or control
    characters (other than tab and line breaks), so a binary file can never pass as text.
    """
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.strip() or _TEXT_CONTROL.search(text):
        return None
    return "text/plain"


def _check_image(content: bytes) -> None:
    """The content really is an image Pillow can read, and not a decompression bomb."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as img:
                width, height = img.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _refuse("Image trop grande (plus de 80 millions de pixels).")
                img.verify()
    except ServiceError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _refuse("Image illisible ou endommagée : le fichier est refusé.") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse("Image trop grande (plus de 80 millions de pixels).") from exc


def _refuse(message: str) -> ServiceError:
    return ServiceError(message, field="fichier", rule="fichier")


def check_content(content: Any) -> str:
    """MIME type of ``content`` after the size and type checks (``ServiceError`` otherwise)."""
    if not isinstance(content, bytes | bytearray | memoryview):
        raise _refuse("Fichier attendu.")
    data = bytes(content)
    if not data:
        raise _refuse("Le fichier est vide.")
    limit = max_upload_bytes()
    if len(data) > limit:
        raise _refuse(
            f"Fichier trop volumineux : {_fmt_mb(len(data))} pour {_fmt_mb(limit)} au plus."
        )
    mime = detect_mime(data)
    if mime is None:
        raise _refuse(
            f"Type de fichier non autorisé (contenu vérifié) : {ALLOWED_LABEL} seulement."
        )
    if mime in IMAGE_TYPES:
        _check_image(data)
    return mime


def sanitize_filename(name: Any, mime_type: str | None = None) -> str:
    """A safe display name: last path part, no control or reserved character, capped length.

    With ``mime_type``, an extension that does not fit the content gets the right one appended.
    """
    s = name if isinstance(name, str) else ""
    s = s.encode("utf-8", errors="replace").decode("utf-8")  # lone surrogates → '?'
    s = unicodedata.normalize("NFC", s)
    s = re.split(r"[/\\]", s)[-1]  # only the last path component
    # Control and format characters (right-to-left overrides that fake an extension included).
    s = "".join("" if unicodedata.category(c)[0] == "C" else c for c in s)
    s = _RESERVED_CHARS.sub("_", s)
    s = re.sub(r"\s+", " ", s).strip().lstrip(".").strip()
    stem, dot, ext = s.rpartition(".")
    if not dot:
        stem, ext = s, ""
    if stem.split(".")[0].strip().lower() in _WINDOWS_DEVICES:
        s = "_" + s
    if not s:
        s = "fichier"
    if mime_type in MIME_EXTENSIONS:
        fitting, default = MIME_EXTENSIONS[mime_type]
        if not s.lower().endswith(fitting):
            s += default
    if len(s) > MAX_NAME_LENGTH:
        stem, dot, ext = s.rpartition(".")
        ext = f".{ext}" if dot and len(ext) <= 10 else ""
        base = stem if ext else s
        s = base[: MAX_NAME_LENGTH - len(ext)].rstrip() + ext
    return s


# ------------------------------------------------------------------------------ store


def relative_path(checksum: str) -> str:
    """``ab/cd/<hex>``: where a checksum's file lives in the store."""
    return f"{checksum[:2]}/{checksum[2:4]}/{checksum}"


def _clean_checksum(checksum: Any) -> str:
    if not isinstance(checksum, str) or not CHECKSUM_RE.fullmatch(checksum):
        raise ServiceError("Empreinte de fichier invalide.", field="checksum", rule="fichier")
    return checksum


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that a reader never sees a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def store(content: Any) -> StoredFile:
    """Check ``content`` and store it once by its SHA-256; the same content is not rewritten.

    A stored copy that no longer matches its checksum (corrupted) is replaced by this one.
    """
    mime = check_content(content)
    data = bytes(content)
    checksum = hashlib.sha256(data).hexdigest()
    rel = relative_path(checksum)
    target = files_root() / rel
    if not (target.is_file() and _sha256_file(target) == checksum):
        _write_atomic(target, data)
    return StoredFile(checksum=checksum, size=len(data), mime_type=mime, path=rel)


def exists(checksum: str) -> bool:
    """A file with this checksum is in the store (its content is not verified)."""
    return (files_root() / relative_path(_clean_checksum(checksum))).is_file()


def read_verified(checksum: Any) -> bytes:
    """The stored content of ``checksum``, refused when missing or no longer matching it."""
    checksum = _clean_checksum(checksum)
    path = files_root() / relative_path(checksum)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ServiceError(
            "Fichier introuvable dans le stockage.", field="checksum", rule="fichier_absent"
        ) from exc
    if hashlib.sha256(data).hexdigest() != checksum:
        raise ServiceError(
            "Fichier corrompu : son contenu ne correspond plus à son empreinte, "
            "il n'est pas servi.",
            field="checksum",
            rule="fichier_corrompu",
        )
    return data


def clamp_thumb_size(size: Any) -> int:
    """A thumbnail edge in pixels, bounded (a bad value → the default)."""
    if type(size) is not int:
        return THUMB_DEFAULT
    return max(THUMB_MIN, min(THUMB_MAX, size))


def thumbnail(checksum: Any, size: Any = THUMB_DEFAULT) -> bytes | None:
    """JPEG thumbnail (longest edge ``size`` px) of a stored photo, None for other files.

    Made from the verified content on first request, then served from its cache file.
    Orientation from EXIF is applied; metadata (GPS position of the phone …) is not kept.
    """
    checksum = _clean_checksum(checksum)
    edge = clamp_thumb_size(size)
    cache = files_root() / "thumbs" / checksum[:2] / f"{checksum}_{edge}.jpg"
    if cache.is_file():
        return cache.read_bytes()
    data = read_verified(checksum)
    if detect_mime(data) not in IMAGE_TYPES:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.size[0] * img.size[1] > MAX_IMAGE_PIXELS:
                    return None
                img.draft("RGB", (edge, edge))  # JPEG: decode at a reduced scale, fast
                small = ImageOps.exif_transpose(img)
                small.thumbnail((edge, edge))
                out = io.BytesIO()
                small.convert("RGB").save(out, format="JPEG", quality=80)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    result = out.getvalue()
    _write_atomic(cache, result)
    return result
