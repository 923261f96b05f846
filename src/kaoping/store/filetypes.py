"""Which files of evidence are accepted, and the type they are served with.

The type comes from the file's extension, from a fixed list, and the file's first bytes must
agree with it: the type the uploader's browser declared is never used. Anything else (web
pages, scripts, programs, archives) is refused with a message naming the accepted types.
Evidence is always served as a download (``Content-Disposition: attachment``) with
``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

OOXML = "application/vnd.openxmlformats-officedocument"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word, Excel and PowerPoint 97–2003
ZIP = b"PK\x03\x04"

# extension: (media type, what the first bytes must be: a prefix, or "text")
ALLOWED: dict[str, tuple[str, object]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".ofd": ("application/ofd", ZIP),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".gif": ("image/gif", b"GIF8"),
    ".webp": ("image/webp", b"RIFF"),
    ".tif": ("image/tiff", (b"II*\x00", b"MM\x00*")),
    ".tiff": ("image/tiff", (b"II*\x00", b"MM\x00*")),
    ".doc": ("application/msword", OLE),
    ".xls": ("application/vnd.ms-excel", OLE),
    ".ppt": ("application/vnd.ms-powerpoint", OLE),
    ".wps": ("application/vnd.ms-works", OLE),
    ".docx": (f"{OOXML}.wordprocessingml.document", ZIP),
    ".xlsx": (f"{OOXML}.spreadsheetml.sheet", ZIP),
    ".pptx": (f"{OOXML}.presentationml.presentation", ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    ".odp": ("application/vnd.oasis.opendocument.presentation", ZIP),
    ".txt": ("text/plain; charset=utf-8", "text"),
    ".csv": ("text/csv; charset=utf-8", "text"),
}
ACCEPTED = "PDF, OFD, images (PNG, JPEG, GIF, WebP, TIFF), Word, Excel, PowerPoint, "
ACCEPTED += "OpenDocument, plain text and CSV"
ACCEPT_ATTRIBUTE = ",".join(sorted(ALLOWED))  # for <input type="file" accept=…>


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def evidence_type(name: str, data: bytes) -> tuple[str | None, str]:
    """``(media type, "")`` for an accepted file, else ``(None, why not)``."""
    ext = _extension(name)
    if ext not in ALLOWED:
        what = f"{ext} files" if ext else "files without an extension"
        return None, f"{name}: {what} are not accepted as evidence; accepted: {ACCEPTED}"
    media_type, magic = ALLOWED[ext]
    if magic == "text":
        ok = _is_text(data)
    else:
        prefixes = magic if isinstance(magic, tuple) else (magic,)
        ok = any(data.startswith(p) for p in prefixes)  # type: ignore[arg-type]
        if ok and ext == ".webp":
            ok = data[8:12] == b"WEBP"
    if not ok:
        return None, f"{name}: the content is not a {ext[1:].upper()} file"
    return media_type, ""


def served_type(name: str, stored: str | None) -> str:
    """The type evidence is served with: its extension's, if accepted; else a download of
    unknown bytes (files kept from before the list existed)."""
    found = ALLOWED.get(_extension(name or ""))
    return found[0] if found else "application/octet-stream"
