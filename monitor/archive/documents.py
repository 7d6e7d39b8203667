"""The text of a document the office uploads: a PDF (its text layer, else OCR of its pages) or a scanned page
(PNG, JPEG, TIFF) read by Tesseract with its Romanian data (Debian's tesseract-ocr-ron).

Every parser runs as its own process (poppler's pdftotext and pdftoppm, tesseract) with a time limit and a memory
cap: a hostile or broken file costs its own process, which is killed, never the server. The result is checked
for Romanian text; a document with none is refused with the reason.
"""

from __future__ import annotations

import enum
import re
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from monitor.deliver.render import count_ro
from monitor.errors import RequestError
from monitor.text import nfc

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 20
SECONDS = 60  # per parser process
MEMORY = 1024 * 1024 * 1024  # address space of a parser process
OCR_DPI = 300


class DocumentError(RequestError):
    """An upload that cannot be read (too big, of an unknown kind, broken, or without text)."""


class Kind(enum.StrEnum):
    PDF = "pdf"
    IMAGE = "image"


# The first bytes of each accepted kind: the name a browser sends is not trusted.
_SIGNATURES = (
    (b"%PDF-", Kind.PDF),
    (b"\x89PNG\r\n\x1a\n", Kind.IMAGE),
    (b"\xff\xd8\xff", Kind.IMAGE),
    (b"II*\x00", Kind.IMAGE),
    (b"MM\x00*", Kind.IMAGE),
)


@dataclass(frozen=True)
class DocumentText:
    text: str
    pages: int
    ocr: bool  # read by OCR (a scan): worth a look before it counts


def kind_of(data: bytes) -> Kind:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    raise DocumentError("fișierul nu este PDF și nici imagine scanată (PNG, JPEG, TIFF)")


def _limits() -> None:  # in the child, before it runs
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS))


def _run(command: list[str], what: str) -> str:
    tool = shutil.which(command[0])
    if tool is None:
        raise DocumentError(
            f"programul {command[0]} lipsește de pe server (pachetele Debian poppler-utils, tesseract-ocr)"
        )
    try:
        done = subprocess.run(
            [tool, *command[1:]], capture_output=True, timeout=SECONDS, preexec_fn=_limits, check=False
        )
    except subprocess.TimeoutExpired:
        raise DocumentError(
            f"{what} a durat peste {SECONDS} s și a fost oprit: fișierul este prea greu sau deteriorat"
        ) from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["fără detalii"]
        raise DocumentError(f"{what} nu a reușit ({detail[0][:200]}): fișierul pare deteriorat")
    return done.stdout.decode("utf-8", "replace")


def _pdf_pages(path: Path) -> int:
    info = _run(["pdfinfo", str(path)], "citirea PDF-ului")
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise DocumentError("PDF-ul nu spune câte pagini are: pare deteriorat")


def _ocr(image: Path) -> str:
    return _run(["tesseract", str(image), "stdout", "-l", "ron"], "recunoașterea textului (OCR)")


def paragraphs(text: str) -> str:
    """A page's lines joined into paragraphs (a blank line ends one); a line ending in a hyphen joins the next
    without a space, the hyphen kept (Romanian «într-o» breaks there too)."""
    blocks = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        joined = ""
        for line in lines:
            joined += line if not joined or joined.endswith("-") else " " + line
        if joined:
            blocks.append(joined)
    return "\n\n".join(blocks)


def read_document(data: bytes) -> DocumentText:
    """The document's text; DocumentError (in Romanian) when it is too big, too long, broken or has no text."""
    if len(data) > MAX_BYTES:
        raise DocumentError(f"fișierul are {len(data) // (1024 * 1024)} MB; cel mult {MAX_BYTES // (1024 * 1024)} MB")
    kind = kind_of(data)
    with tempfile.TemporaryDirectory(prefix="presa-document-") as folder:
        source = Path(folder) / ("document.pdf" if kind == Kind.PDF else "pagina")
        source.write_bytes(data)
        if kind == Kind.IMAGE:
            result = DocumentText(_ocr(source), 1, ocr=True)
        else:
            pages = _pdf_pages(source)
            if pages > MAX_PAGES:
                raise DocumentError(
                    f"PDF-ul are {count_ro(pages, 'pagină', 'pagini')}; cel mult {MAX_PAGES} (încărcați doar "
                    "paginile articolului)"
                )
            text = _run(["pdftotext", "-enc", "UTF-8", str(source), "-"], "citirea textului din PDF")  # reading order
            if len(text.split()) >= 20:
                result = DocumentText(text, pages, ocr=False)
            else:  # a scan inside a PDF: render each page, then read it
                _run(
                    ["pdftoppm", "-r", str(OCR_DPI), "-png", str(source), str(Path(folder) / "p")], "redarea paginilor"
                )
                images = sorted(Path(folder).glob("p-*.png"))
                result = DocumentText("\n\n".join(_ocr(image) for image in images), pages, ocr=True)
    text = paragraphs(nfc(result.text.replace("\x0c", "\n\n")))
    if len(text.split()) < 5:
        raise DocumentError("documentul nu conține text care să poată fi citit (o pagină goală sau o imagine neclară)")
    return DocumentText(text, result.pages, result.ocr)
