"""Fonts for Chinese label text: a built-in CID font, or an embedded TrueType CJK font.

`STSong-Light` needs no file but is not embedded (the PDF viewer supplies a font). For
printing and archiving, a TrueType CJK font (e.g. Debian's fonts-wqy-zenhei) is embedded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from medwms.core.errors import ValidationError

CID_FONT = "STSong-Light"
KNOWN_CJK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


@dataclass(frozen=True)
class LabelFont:
    """The font labels are drawn with: its reportlab name and, when embedded, its file."""

    name: str
    path: Path | None = None
    subfont_index: int = 0

    @property
    def embedded(self) -> bool:
        """True when the font file goes into the PDF."""
        return self.path is not None


def find_cjk_font() -> Path | None:
    """The first well-known TrueType CJK font installed on this machine, if any."""
    return next((p for p in KNOWN_CJK_FONTS if p.is_file()), None)


def label_font(path: Path | str | None = None, subfont_index: int = 0) -> LabelFont:
    """Register and return the label font: the TrueType file at `path`, else STSong-Light."""
    if path is None:
        if CID_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
        return LabelFont(CID_FONT)
    font_path = Path(path)
    if not font_path.is_file():
        raise ValidationError(f"font file {font_path} does not exist", field="font")
    name = f"CJK-{font_path.stem}-{subfont_index}"
    if name not in pdfmetrics.getRegisteredFontNames():
        try:
            font = TTFont(name, str(font_path), subfontIndex=subfont_index)
        except Exception as exc:  # reportlab raises bare TTFError/Exception types
            raise ValidationError(f"font file {font_path} is not a usable TrueType font: "
                                  f"{exc}", field="font") from exc
        pdfmetrics.registerFont(font)
    return LabelFont(name, font_path, subfont_index)
