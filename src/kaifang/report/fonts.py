"""A subset of a CJK font for the self-contained HTML report.

The page embeds only the glyphs it uses (a few hundred of Noto Sans CJK's 65,000) as a base64
``@font-face``, so Chinese looks the same on any machine, offline. The font comes from Debian's
``fonts-noto-cjk`` (or any font fontconfig resolves for "Noto Sans CJK SC" that covers CJK).

WOFF (zlib) rather than WOFF2: measured on the Guizhou report, WOFF2's brotli at quality 11 took
0.6-0.8 s more for a file only ~10 % smaller, and ``kaifang assess`` writes the page every run.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

FAMILY = "Noto Sans CJK SC"
# part of the cache key: change it when the subsetting options change
SUBSET_VERSION = "woff-nolayout-1"
# subsets kept between runs (about 50 KB each)
CACHE_SIZE = 64
EMBEDDED_FAMILY = "KaifangCJK"
# Debian/Ubuntu paths of fonts-noto-cjk; the .ttc holds JP, KR, SC, TC, HK faces.
CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),
)


@lru_cache(maxsize=1)
def find_cjk_font() -> tuple[Path, int] | None:
    """Path and face index of a Simplified Chinese sans font, or None if none is installed."""
    for path in CANDIDATES:
        if path.is_file():
            index = _cached_face_index(path, FAMILY)
            if index is not None:
                return path, index
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        out = subprocess.run(
            [fc_match, "-f", "%{file}\n%{index}", f"{FAMILY}:style=Regular"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 2 or not out[0]:
        return None
    path, index = Path(out[0]), int(out[1] or 0)
    # fc-match always answers with something: keep it only if it draws Chinese
    return (path, index) if _covers(path, index, "中") else None


def _cached_face_index(path: Path, family: str) -> int | None:
    """``_face_index``, remembered in the cache folder (reading a collection's names imports
    most of fontTools)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    key = hashlib.sha256(
        f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0{family}".encode()
    ).hexdigest()
    remembered = cache_folder() / f"face-{key}.txt"
    try:
        text = remembered.read_text(encoding="ascii").strip()
        if text.isdigit():
            return int(text)
    except OSError:
        pass
    index = _face_index(path, family)
    if index is not None:
        try:
            remembered.parent.mkdir(parents=True, exist_ok=True)
            partial = remembered.with_name(f".{remembered.name}.{os.getpid()}")
            partial.write_text(str(index), encoding="ascii")
            os.replace(partial, remembered)
        except OSError:
            pass
    return index


def _face_index(path: Path, family: str) -> int | None:
    from fontTools.ttLib import TTCollection

    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0 if _covers(path, 0, "中") else None
    collection = TTCollection(str(path), lazy=True)
    for i, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == family:
            return i
    return None


def _covers(path: Path, index: int, char: str) -> bool:
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(path), fontNumber=index, lazy=True)
        return ord(char) in font.getBestCmap()
    except Exception:  # an unreadable font is simply not a candidate
        return False


def cache_folder() -> Path:
    """Where subsets are kept between runs: $KAIFANG_CACHE_DIR, else the user's cache folder."""
    explicit = os.environ.get("KAIFANG_CACHE_DIR")
    if explicit:
        return Path(explicit) / "fonts"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kaifang" / "fonts"


def _cache_key(path: Path, index: int, chars: str) -> str:
    stat = path.stat()
    digest = hashlib.sha256()
    for part in (SUBSET_VERSION, str(path.resolve()), str(stat.st_size), str(stat.st_mtime_ns)):
        digest.update(part.encode() + b"\0")
    digest.update(f"{index}\0{chars}".encode())
    return digest.hexdigest()


def subset_woff(text: str, font: tuple[Path, int] | None = None) -> bytes | None:
    """A WOFF font with the glyphs of ``text`` (plus printable ASCII); None if no CJK font.

    A subset is kept in ``cache_folder()`` under a hash of the font file (path, size, time)
    and of the characters: the next report with the same characters (the same assessment run
    again) reads it instead of importing fontTools' subsetter and running it, 0.3-0.5 s. The
    cache is an optimisation only: any error reading or writing it is ignored."""
    found = font or find_cjk_font()
    if found is None:
        log.warning("no CJK font found (install fonts-noto-cjk): the report uses system fonts")
        return None
    path, index = found
    chars = "".join(sorted(set(text) | {chr(c) for c in range(32, 127)}))
    cached: Path | None = None
    try:
        cached = cache_folder() / f"{_cache_key(path, index, chars)}.woff"
        data = cached.read_bytes()
        if data[:4] == b"wOFF":
            return data
    except OSError:
        pass
    data = _subset(path, index, chars)
    if cached is not None:
        _store(cached, data)
    return data


def _store(cached: Path, data: bytes) -> None:
    """Keep ``data`` at ``cached`` (whole or absent), and only the newest CACHE_SIZE subsets."""
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f".{cached.name}.{os.getpid()}")
        partial.write_bytes(data)
        os.replace(partial, cached)
        kept = sorted(
            cached.parent.glob("*.woff"), key=lambda p: p.stat().st_mtime_ns, reverse=True
        )
        for old in kept[CACHE_SIZE:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _subset(path: Path, index: int, chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # recalcBBoxes=False: the subset keeps the glyphs' bounds as they are in the font; recomputing
    # them means running every CFF charstring (about a second for a page's glyphs)
    tt = TTFont(str(path), fontNumber=index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    options = subset.Options()
    # Chinese needs no shaping features nor vertical metrics. Hints are kept: removing them
    # also runs every charstring, and costs more time than the bytes it saves.
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx"]
    options.name_IDs = [1, 2, 3, 4, 6]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(tt)
    tt.flavor = "woff"
    buffer = io.BytesIO()
    tt.save(buffer)
    return buffer.getvalue()


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule embedding the subset for ``text`` ('' when no font is found)."""
    data = subset_woff(text)
    if data is None:
        return ""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f"@font-face{{font-family:'{EMBEDDED_FAMILY}';font-weight:400;"
        f"src:url(data:font/woff;base64,{encoded}) format('woff');}}"
    )
