"""What counts as English left in Chinese text: any Latin word that is not a proper name, a
file format or a literal the reader types (in backticks). A raw code (`fulfilled`,
`district_admin`) is such a word too."""

from __future__ import annotations

import re

# Names and formats Chinese text writes in Latin letters.
PROPER = frozenset(
    {
        *(
            "JSON",
            "CSV",
            "XLSX",
            "Excel",
            "PDF",
            "URL",
            "ISO",
            "UTF",
            "JPEG",
            "PNG",
            "WebP",
            "GCJ",
            "QR",
        ),
        *("YYYY", "MM", "DD", "HH", "ID", "API", "HTTP"),
        *("MB", "KB"),  # units of size
        *("WeChat", "Chrome", "Edge", "Safari", "Firefox", "QQ", "UC", "HarmonyOS", "Android"),
        *("iPhone", "iPad", "Windows", "macOS", "ChromeOS", "Linux"),
    }
)
_FIELDS = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sd]|`[^`]*`")
_WORD = re.compile(r"[A-Za-z][A-Za-z_]*")


def english_words(text: str) -> list[str]:
    """The Latin words of `text` no Chinese reader should meet."""
    return [w for w in _WORD.findall(_FIELDS.sub(" ", text)) if w not in PROPER]
