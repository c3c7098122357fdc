"""Reading back the text and fonts of the PDFs bianmin draws with reportlab, without a PDF library.

Text set in the embedded TrueType font is written as one-byte codes of per-document subsets ("/F2+0"), which each
font's ToUnicode map turns back into characters; text in the CID fallback font (STSong-Light, UniGB-UCS2-H) is
UTF-16BE. `pdf_text` follows the Tf font switches of every content stream and decodes each string with the font
in force, as a PDF viewer's text extraction does.
"""
from __future__ import annotations

import base64
import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
UNESCAPE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _inflate(raw: bytes) -> bytes:
    body = raw
    if raw.strip().endswith(b"~>"):  # reportlab's default: ASCII85 over Flate
        body = base64.a85decode(raw.strip()[:-2])
    try:
        # A decompressor object, not zlib.decompress: a binary stream may end in bytes that look like whitespace
        # (never strip it) and be followed by the line break before "endstream", which it ignores.
        return zlib.decompressobj().decompress(body)
    except zlib.error:
        return raw


def objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in OBJECT.finditer(data)}


def stream_of(body: bytes) -> bytes:
    match = STREAM.search(body)
    return _inflate(match.group(1)) if match else b""


def _unescape(literal: bytes) -> bytes:
    def one(m):
        s = m.group(1)
        return bytes([int(s, 8)]) if s[:1].isdigit() else UNESCAPE.get(s, s)
    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal, flags=re.S)


def _to_unicode(cmap: bytes) -> dict[int, str]:
    table = {}
    for code, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", cmap.split(b"endcodespacerange", 1)[-1]):
        table[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    return table


def font_decoders(data: bytes) -> dict[bytes, dict[int, str] | None]:
    """Resource name -> the code-to-character map of that font (None: a UTF-16BE CID font)."""
    objs = objects(data)
    fonts: dict[bytes, dict[int, str] | None] = {}
    for body in objs.values():
        name = re.search(rb"/Name /(\S+)", body)
        if not name or b"/Type /Font" not in body:
            continue
        to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", body)
        if to_unicode:
            fonts[name.group(1)] = _to_unicode(stream_of(objs[int(to_unicode.group(1))]))
        elif b"UCS2" in body:
            fonts[name.group(1)] = None
    return fonts


def pdf_text(data: bytes) -> str:
    fonts = font_decoders(data)
    pages = [stream_of(body) for body in objects(data).values()
             if STREAM.search(body) and b"/Length1" not in body and b"begincmap" not in stream_of(body)]
    token = re.compile(rb"/(\S+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
    out = []
    for content in pages:
        current: dict[int, str] | None = {}
        for m in token.finditer(content):
            if m.group(1) is not None:
                current = fonts.get(m.group(1), {})
                continue
            raw = _unescape(m.group(2))
            if current is None:
                out.append(raw.decode("utf-16-be", errors="replace"))
            else:
                out.append("".join(current.get(b, "\ufffd") for b in raw))
    return "".join(out)


def embedded_fonts(data: bytes) -> list[str]:
    """The /FontName of every font descriptor that carries its font program (FontFile2: TrueType)."""
    return [m.decode() for body in objects(data).values() if b"/FontFile2" in body
            for m in re.findall(rb"/FontName /(\S+)", body)]


def named_only_fonts(data: bytes) -> list[str]:
    """Fonts the PDF names without embedding (the viewer must supply them): descriptors without a font program,
    and the standard Type 1 fonts (Helvetica, reportlab's default), which have no descriptor at all."""
    objs = objects(data).values()
    described = [m.decode() for body in objs if b"/Type /FontDescriptor" in body and b"/FontFile" not in body
                 for m in re.findall(rb"/FontName /(\S+)", body)]
    standard = [m.decode() for body in objs if b"/Subtype /Type1" in body and b"/FontDescriptor" not in body
                for m in re.findall(rb"/BaseFont /(\S+)", body)]
    return described + standard
