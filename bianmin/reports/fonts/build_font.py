"""Build NotoSansSC-GB2312.ttf, the font embedded in report PDFs (bianmin/reports/pdf.py). Run by hand, not at
set-up: the result is committed, so `make setup` needs neither this script nor fontTools.

    python -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools
    /tmp/ft/bin/python bianmin/reports/fonts/build_font.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

The source is Noto Sans CJK SC (SIL OFL 1.1, Debian's fonts-noto-cjk). It is subset to the 7,445 characters of
GB 2312 plus ASCII, Latin-1 and the symbol blocks report text uses (the minus sign U+2212 of "1 − 实际办理用时",
dashes, ℃, ㎡, fullwidth forms), without layout features (reportlab does not shape text). Its CFF outlines are
converted to quadratic TrueType outlines, because reportlab embeds (and subsets per document) only glyf fonts.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

OUT = Path(__file__).with_name("NotoSansSC-GB2312.ttf")
SYMBOL_BLOCKS = [(0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x2100, 0x214F), (0x2190, 0x21FF),
                 (0x2200, 0x22FF), (0x2460, 0x24FF), (0x2500, 0x25FF), (0x2600, 0x26FF), (0x3000, 0x303F),
                 (0x3300, 0x33FF), (0xFF00, 0xFFEF)]


def gb2312() -> set[int]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):  # unassigned code points of the GB 2312 grid
                chars.add(ord(bytes([high, low]).decode("gb2312")))
    return chars


def simplified_face(path: str) -> TTFont:
    fonts = TTCollection(path).fonts if path.endswith((".ttc", ".otc")) else [TTFont(path)]
    return next(f for f in fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")


def to_truetype(font: TTFont) -> None:
    order, glyphs = font.getGlyphOrder(), font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    font.sfntVersion = "\x00\x01\x00\x00"
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                  "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}


def main(source: str) -> None:
    font = simplified_face(source)
    options = subset.Options()
    options.layout_features, options.name_IDs, options.notdef_outline, options.hinting = [], ["*"], True, False
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    unicodes = gb2312() | {c for lo, hi in SYMBOL_BLOCKS for c in range(lo, hi + 1)}
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    to_truetype(font)
    font.save(OUT)
    print(f"{OUT}: {len(font.getGlyphOrder())} glyphs, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
