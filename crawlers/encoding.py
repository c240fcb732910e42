"""Bytes → str for Japanese municipal sites (Shift_JIS/CP932, EUC-JP, UTF-8), however declared.

Order of evidence: BOM, then "is it valid UTF-8 with non-ASCII bytes" (a page that decodes as
UTF-8 is UTF-8 whatever its stale declaration says), then the HTTP charset, the XML declaration,
`<meta charset>` / http-equiv, then charset-normalizer's guess. Declared encodings are only
trusted when they decode the bytes without errors.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Names that mean "Windows Shift_JIS" in practice: decode as cp932 so ①, ㈱, 髙 survive.
_ALIASES: dict[str, str] = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "s-jis": "cp932",
    "shiftjis": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "windows-31j": "cp932",
    "cp932": "cp932",
    "ms932": "cp932",
    "euc-jp": "euc_jp_ms",
    "euc_jp": "euc_jp_ms",
    "eucjp": "euc_jp_ms",
    "x-euc-jp": "euc_jp_ms",
    "ujis": "euc_jp_ms",
    "cseucpkdfmtjapanese": "euc_jp_ms",
    "cp51932": "euc_jp_ms",
    "iso-8859-1": "cp1252",  # browsers treat latin-1 labels as windows-1252
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
# charset-normalizer names → the superset codecs used here.
_DETECTED: dict[str, str] = {
    "euc_jis_2004": "euc_jp_ms",
    "euc_jisx0213": "euc_jp_ms",
    "shift_jis": "cp932",
    "shift_jis_2004": "cp932",
    "shift_jisx0213": "cp932",
}
# Labels servers send by default without knowing the content: weak evidence.
_WEAK = frozenset({"cp1252"})
# Python codecs that are no web encoding: a page naming them must not pick them. "undefined"
# raises on any input; the escape codecs turn "\x3c" into "<"; UTF-7 hides markup from filters.
_NOT_FOR_PAGES = frozenset(
    {"undefined", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "utf-7", "charmap",
     "palmos"}
)  # codecs.lookup() names

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)


def canonical_encoding(label: str | None) -> str | None:
    """A Python codec name for an HTTP/HTML charset label, or None if unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a label with a NUL in it
        return None
    # Bytes↔bytes codecs (hex, zlib, rot13, …) are not text encodings at all.
    if info.name in _NOT_FOR_PAGES or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def _ascii_compatible(name: str) -> bool:
    """A declaration readable as ASCII cannot be in UTF-16 or EBCDIC (UTF-16 has its BOM)."""
    codec = "euc_jp" if name == "euc_jp_ms" else name
    try:
        return "<meta charset=".encode(codec) == b"<meta charset="
    except (UnicodeError, LookupError):
        return False


def declared_encodings(content: bytes, http_charset: str | None = None) -> list[str]:
    """Encodings claimed by the HTTP header, XML declaration and <meta>, in that order."""
    found: list[str] = []
    head = content[:4096]
    candidates: list[str | None] = [http_charset]
    if match := _XML_DECL.match(head):
        candidates.append(match.group(1).decode("ascii"))
    if match := _META_CHARSET.search(head):
        candidates.append(match.group(1).decode("ascii"))
    for label in candidates:
        name = canonical_encoding(label)
        if name and name not in found and _ascii_compatible(name):
            found.append(name)
    return found


def decode_bytes(content: bytes, encoding: str, errors: str = "strict") -> str:
    """Decode with our codec names (including the EUC-JP superset `euc_jp_ms`)."""
    if encoding == "euc_jp_ms":
        return decode_euc_jp(content, errors)
    return content.decode(encoding, errors)


def detect_and_decode(content: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Decode `content` to text; returns (text, encoding used). Never raises."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(name, "replace"), name
    if not content:
        return "", "utf-8"
    if _ISO2022_ESCAPE.search(content[:65536]):
        # 7-bit ISO-2022-JP (mail-style pages): all ASCII bytes, so test it before ASCII.
        try:
            return decode_iso2022_jp(content), "iso2022_jp"
        except UnicodeDecodeError:
            pass
    non_ascii = not content.isascii()
    if non_ascii:
        try:
            return content.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    if not non_ascii:
        return content.decode("ascii"), "ascii"
    declared = declared_encodings(content, http_charset)
    for name in declared:
        if name in _WEAK or name == "utf-8":
            continue  # utf-8 already failed; latin-1 labels are usually server defaults
        try:
            return decode_bytes(content, name), name
        except (UnicodeError, LookupError):
            continue
    if japanese := _japanese_guess(content):
        return japanese
    guess = from_bytes(content[:65536]).best()
    if guess is not None and guess.encoding:
        name = canonical_encoding(guess.encoding) or guess.encoding
        name = _DETECTED.get(name, name)
        try:
            return decode_bytes(content, name), name
        except (UnicodeError, LookupError):
            pass
    for name in ("cp932", "euc_jp_ms", *[n for n in declared if n in _WEAK]):
        try:
            return decode_bytes(content, name), name
        except UnicodeError:
            continue
    return content.decode("cp932", "replace"), "cp932"


# Characters Japanese text is made of: kana, kanji, CJK punctuation, full-width forms, ①/㈱.
_JAPANESE = re.compile(
    "[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60\u2460-\u24ff"
    "\u3200-\u33ff\u2010-\u203b\u2190-\u21ff\u2500-\u257f\u25a0-\u26ff\u00a7\u00a8"
    "\u00b0\u00b1\u00b4\u00b6\u00d7\u00f7\u0391-\u03c9\u0401-\u0451]"
)
_KANA = re.compile("[\u3041-\u30fa]")
JAPANESE_SHARE = 0.95  # of the non-ASCII characters, for an undeclared page to count as Japanese


def _japanese_guess(content: bytes) -> tuple[str, str] | None:
    """An undeclared Shift_JIS or EUC-JP page, told apart by what it decodes to: real Japanese
    (kana among the kanji) rather than half-width katakana soup. charset-normalizer alone takes
    plain EUC-JP or kanji-heavy Shift_JIS for Korean (cp949) or Chinese (big5)."""
    best: tuple[float, str, str] | None = None
    for name in ("cp932", "euc_jp_ms"):
        try:
            text = decode_bytes(content, name)
        except UnicodeDecodeError:
            continue
        wide = [c for c in text if ord(c) > 0x7F]
        if not wide or not _KANA.search(text):
            continue
        share = sum(1 for c in wide if _JAPANESE.match(c)) / len(wide)
        if share >= JAPANESE_SHARE and (best is None or share > best[0]):
            best = (share, text, name)
    return (best[1], best[2]) if best is not None else None


# -- ISO-2022-JP, including the Windows extensions (CP50220/50221: ①, ㈱, 髙) --------------

_ISO2022_ESCAPE = re.compile(rb"\x1b(\$[@B]|\$\(D|\([BIJ])")


def decode_iso2022_jp(content: bytes, errors: str = "strict") -> str:
    """ISO-2022-JP through EUC-JP: each escape-shifted JIS pair becomes an EUC pair, so the
    CP51932 fallbacks of `decode_euc_jp` cover the Windows-only characters too."""
    out = bytearray()
    mode = "ascii"
    i, n = 0, len(content)
    while i < n:
        b = content[i]
        if b == 0x1B:
            match = _ISO2022_ESCAPE.match(content, i)
            if match is None:
                raise UnicodeDecodeError("iso2022_jp", content, i, i + 1, "unknown escape")
            code = match.group(1)
            mode = {b"$@": "jis", b"$B": "jis", b"$(D": "jis0212", b"(I": "kana"}.get(
                code, "ascii"
            )
            i = match.end()
            continue
        if mode == "ascii" or b < 0x21:  # controls and spaces are never part of a JIS pair
            out.append(b)
            i += 1
        elif mode == "kana":
            out += bytes((0x8E, b | 0x80))
            i += 1
        else:
            if i + 1 >= n:
                raise UnicodeDecodeError("iso2022_jp", content, i, n, "truncated pair")
            pair = bytes((content[i] | 0x80, content[i + 1] | 0x80))
            out += (b"\x8f" + pair) if mode == "jis0212" else pair
            i += 2
    return decode_euc_jp(bytes(out), errors)


# -- EUC-JP as written by Windows tools (CP51932) and JIS X 0213 (EUC-JIS-2004) ---------------


def _euc_pair_via_cp932(b1: int, b2: int) -> str:
    """Map an EUC two-byte code through JIS row/cell to CP932 (NEC row 13, IBM rows 89-92)."""
    row, cell = b1 - 0xA0, b2 - 0xA0
    lead = (row + 1) // 2 + 0x80
    if lead >= 0xA0:
        lead += 0x40
    if row % 2:
        trail = cell + 0x3F
        if trail >= 0x7F:
            trail += 1
    else:
        trail = cell + 0x9E
    return bytes((lead, trail)).decode("cp932")


def decode_euc_jp(content: bytes, errors: str = "strict") -> str:
    """EUC-JP, falling back per character to CP51932 and EUC-JIS-2004 extensions."""
    try:
        return content.decode("euc_jp")
    except UnicodeDecodeError:
        pass
    out: list[str] = []
    i, n = 0, len(content)
    while i < n:
        b = content[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        width = 3 if b == 0x8F else 2
        chunk = content[i : i + width]
        char = _decode_euc_char(chunk)
        if char is None:
            if errors == "strict":
                raise UnicodeDecodeError("euc_jp", content, i, i + width, "invalid sequence")
            char = "\ufffd"
            width = 1
        out.append(char)
        i += width
    return "".join(out)


def _decode_euc_char(chunk: bytes) -> str | None:
    try:
        return chunk.decode("euc_jp")
    except UnicodeDecodeError:
        pass
    # NEC special row 13 and NEC-selected IBM rows 89-92 (CP51932) before JIS X 0213.
    if len(chunk) == 2 and (chunk[0] == 0xAD or 0xF9 <= chunk[0] <= 0xFC) and chunk[1] >= 0xA1:
        try:
            return _euc_pair_via_cp932(chunk[0], chunk[1])
        except UnicodeDecodeError:
            pass
    try:
        return chunk.decode("euc_jis_2004")
    except UnicodeDecodeError:
        return None


def encode_cp51932(text: str) -> bytes:
    """EUC-JP bytes as Windows writes them (for tests and fixtures): CP932 → JIS → EUC."""
    out = bytearray()
    for char in text:
        raw = char.encode("cp932")
        if len(raw) == 1:
            out += raw if raw[0] < 0x80 else bytes((0x8E, raw[0]))
            continue
        lead, trail = raw
        if lead >= 0xE0:
            lead -= 0x40
        row = (lead - 0x81) * 2 + 1
        if trail >= 0x9F:
            row += 1
            cell = trail - 0x9E
        else:
            cell = trail - 0x3F - (1 if trail > 0x7F else 0)
        out += bytes((row + 0xA0, cell + 0xA0))
    return bytes(out)
