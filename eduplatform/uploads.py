"""Hardened uploads: checked by content, re-encoded, renamed, served only after an access check.

Images (JPEG, PNG, WebP) are identified by their content with Pillow, never by name or declared
type, then re-encoded, resized to at most 1600 px and written without any metadata (EXIF GPS
included). A JPEG that is already all of that (the log form's script shrinks a phone photo in
the browser, whose canvas writes no metadata) is decoded completely and stored as it came
instead of being encoded again (see picture_only). Files carrying a second format (markup,
archives or PDFs hidden inside or appended to an image) are refused. PDFs are read with a real
parser and refused when they carry active content (see eduplatform.pdfcheck). Files get random
names under EDUPLATFORM_UPLOAD_DIR.
"""

import hashlib
import io
import math
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from eduplatform.errors import Invalid

# A phone camera's photo is 3-12 MB; it is stored at most 1600 px wide (a few hundred KB).
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_IMAGE_SIDE = 1600
MAX_PIXELS = 50_000_000  # refuse decompression bombs before decoding
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# Lists show a square thumbnail, 80 CSS pixels wide: 160 px is sharp on a phone's screen too.
THUMBNAIL_SIDE = 160
THUMBNAILS = "thumbnails"


@dataclass(frozen=True)
class StoredFile:
    name: str  # random file name inside the upload directory
    mime_type: str
    size: int


def upload_dir():
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _read_limited(stream, field):
    data = stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise Invalid.field(field, _l("The file is larger than 15 MB."))
    if not data:
        raise Invalid.field(field, _l("The file is empty."))
    return data


def _any_case(word):
    return "".join(f"[{c.upper()}{c}]" if c.isalpha() else re.escape(c) for c in word)


# Markup or a PDF inside an image, in any case. Each pattern starts with one literal character,
# so the search skips ahead in C: 3 ms for a 4 MB photo, where lower-casing it and searching the
# copy for each word cost 11 ms (and one case-insensitive pattern as much).
MARKUP = (
    re.compile(f"<(?:{'|'.join(map(_any_case, ('html', 'script', '?php', '!doctype')))})".encode()),
    re.compile(_any_case("%pdf-").encode()),
)


def _trailing_bytes(data, kind):
    """Bytes after the image's own end marker: where polyglots hide a second file."""
    if kind == "JPEG":
        end = data.rfind(b"\xff\xd9")
        return len(data) - (end + 2) if end >= 0 else len(data)
    if kind == "PNG":
        end = data.rfind(b"IEND\xaeB`\x82")
        return len(data) - (end + 8) if end >= 0 else len(data)
    if kind == "WEBP":
        declared = int.from_bytes(data[4:8], "little") + 8
        return len(data) - declared
    return 0


def _is_polyglot(data, kind):
    if any(pattern.search(data) for pattern in MARKUP):
        return True
    return _trailing_bytes(data, kind) > 16


def stored_size(size):
    """The size an image of `size` is stored at: its longer side at most MAX_IMAGE_SIDE.

    Pillow's draft() only scales a JPEG down while both sides stay at least the size asked for,
    so it must be asked for this size, not a square (4032 x 3024 asked for 1600 x 1600 decodes
    at full size, since 3024 / 2 < 1600).
    """
    width, height = size
    ratio = min(1.0, MAX_IMAGE_SIDE / max(width, height, 1))
    return max(1, math.ceil(width * ratio)), max(1, math.ceil(height * ratio))


# A JPEG's segments that carry only the picture: quantisation and Huffman tables, a baseline,
# extended or progressive frame, a restart interval, a scan (its header and data).
PICTURE_MARKERS = {0xDB, 0xC4, 0xC0, 0xC1, 0xC2, 0xDD, 0xDA}
JFIF_BARE = 14  # "JFIF\0", version, units, densities, a 0 x 0 thumbnail: nothing else
# A colour profile (APP2 "ICC_PROFILE"): Chromium's canvas writes one. Dropped, as encoding the
# photo again drops it: the picture is then shown in sRGB, what a canvas writes by default.
ICC_PROFILE = (0xE2, b"ICC_PROFILE\0")
# Where a scan's entropy-coded data ends: a 0xFF that is neither stuffing (0xFF00) nor a restart
# marker (0xFFD0-0xFFD7) nor fill bytes before a marker.
SCAN_END = re.compile(rb"\xff(?![\x00\xd0-\xd7\xff])")
# Bytes a JPEG stored as it came may take per pixel (quality 85 of a busy workshop photo takes
# about 0.4; more means a needlessly heavy file, which is encoded again at quality 82).
PLAIN_BYTES_PER_PIXEL = 0.75


def _segments(data):
    """(marker, start, end) of each of a JPEG's segments between its start and end markers, in
    file order (a scan's range includes its data); None when the file is not a sequence of
    well-formed segments ending at its last byte."""
    if not data.startswith(b"\xff\xd8"):
        return None
    segments, at, end = [], 2, len(data)
    while at < end:
        if data[at] != 0xFF:
            return None
        while at + 1 < end and data[at + 1] == 0xFF:  # fill bytes
            at += 1
        if at + 1 >= end:
            return None
        marker = data[at + 1]
        if marker == 0xD9:
            return segments if at + 2 == end else None
        if at + 4 > end:
            return None
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        if length < 2 or at + 2 + length > end:
            return None
        start, at = at, at + 2 + length
        if marker == 0xDA:  # the scan's data runs to the next marker
            found = SCAN_END.search(data, at)
            if found is None:
                return None
            at = found.start()
        segments.append((marker, start, at))
    return None


def picture_only(probe, data):
    """A JPEG's bytes with nothing in them but the picture, when it can be stored as it came
    (baseline or progressive, grey or colour, at most MAX_IMAGE_SIDE, not heavy); else None.

    Its colour profiles are dropped (without encoding anything again); anything else that is not
    the picture (EXIF, a comment, other application data anywhere in the file, a JFIF thumbnail)
    means None: such a photo is encoded again, as every photo was before. The caller then decodes
    the file completely: one that passes both is a picture and only that, which is what encoding
    it again would guarantee, at a fraction of the cost (the log form's 1600 px photo: about 6 ms
    of decoding at an eighth of its size, against 16 ms to decode and encode it).
    """
    if probe.mode not in ("RGB", "L") or max(probe.size) > MAX_IMAGE_SIDE:
        return None
    if len(data) > PLAIN_BYTES_PER_PIXEL * probe.width * probe.height:
        return None
    segments = _segments(data)
    if segments is None:
        return None
    kept = [b"\xff\xd8"]
    for number, (marker, start, end) in enumerate(segments):
        payload = data[start + 4 : start + 4 + 16]
        if marker == 0xE0 and number == 0:  # JFIF's header, and only a bare one
            if (
                end - start - 4 != JFIF_BARE
                or payload[:5] != b"JFIF\0"
                or data[end - 2 : end] != b"\0\0"
            ):
                return None
        elif (marker, payload[: len(ICC_PROFILE[1])]) == ICC_PROFILE:
            continue
        elif marker not in PICTURE_MARKERS:
            return None
        kept.append(data[start:end])
    kept.append(b"\xff\xd9")
    return data if len(kept) == len(segments) + 2 else b"".join(kept)


# Horizontal bands an image is shrunk in (see _shrunk).
SHRINK_BANDS = 8


def _shrunk(image):
    """`image` at its stored size (the same image when it is small enough already).

    Resized band by band into the result: Pillow resizes in two passes, through an image as
    wide as the result and as tall as the original, and a whole photo's (1600 x 1512 from a
    12-megapixel JPEG decoded at half scale, 4 bytes a pixel) cost 9.7 MB more at the peak, on
    top of the 12 MB decoded photo and the 7.7 MB result; a band's costs an eighth. Each band
    is resampled from the original's pixels beyond its own edges too (Pillow's `box` maps the
    band, its filter reads around it), so the bands join without a seam: the result differs
    from one resize by at most 2 levels of 255 (rounding), for 6% more CPU.
    """
    image.load()
    if max(image.size) <= MAX_IMAGE_SIDE:
        return image
    # Rounded to the nearest pixel, as thumbnail() did (stored_size() rounds up, for draft()).
    ratio = MAX_IMAGE_SIDE / max(image.size)
    width, height = (max(1, round(side * ratio)) for side in image.size)
    shrunk = Image.new(image.mode, (width, height))
    if image.mode == "P":
        shrunk.putpalette(image.getpalette())
    scale = image.height / height
    for band in range(SHRINK_BANDS):
        top, bottom = height * band // SHRINK_BANDS, height * (band + 1) // SHRINK_BANDS
        if bottom > top:
            box = (0, top * scale, image.width, bottom * scale)
            part = image.resize((width, bottom - top), Image.Resampling.BICUBIC, box=box)
            shrunk.paste(part, (0, top))
    # The orientation is read from the original's EXIF (exif_transpose, after this).
    shrunk.info.update(image.info)
    return shrunk


def _in_mode(image, mode):
    return image if image.mode == mode else image.convert(mode)


def clean_image(data, field="photo"):
    """Decode, verify and re-encode an image (a JPEG with nothing in it but the picture is kept as
    it came, see picture_only); returns (bytes, mime type)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in IMAGE_FORMATS:
                raise Invalid.field(field, _l("Upload a photo in JPEG, PNG or WebP format."))
            if _is_polyglot(data, kind):
                raise Invalid.field(field, _l("This file is not a plain photo and was refused."))
            if probe.width * probe.height > MAX_PIXELS:
                raise Invalid.field(field, _l("The image has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            picture = picture_only(image, data) if kind == "JPEG" else None
            if picture is not None:
                # Every block decoded (an eighth of the pixels drawn): a truncated or corrupt
                # file fails here as it would when encoded again.
                image.draft(image.mode, (image.width // 8 or 1, image.height // 8 or 1))
                image.load()
                return picture, IMAGE_FORMATS[kind]
            # A JPEG decodes at 1/2, 1/4 or 1/8 scale straight away when that is still at least
            # the stored size: a 12-megapixel photo then costs a quarter of the memory and time.
            image.draft("RGB", stored_size(image.size))
            image = _shrunk(image)
            # Keep the orientation (EXIF is not written back). In place, and no conversion to
            # the mode the image already has: each copy of a 1600 px photo is 8 MB to write.
            ImageOps.exif_transpose(image, in_place=True)
            out = io.BytesIO()
            if kind == "PNG":
                clean = _in_mode(image, "RGBA" if "A" in image.getbands() else "RGB")
                # icc_profile=None: Pillow would carry the photo's own over (comment=b"" below
                # likewise), and nothing but the picture is kept.
                clean.save(out, "PNG", optimize=True, icc_profile=None)
            elif kind == "WEBP":
                _in_mode(image, "RGB").save(out, "WEBP", quality=82)
            else:
                # Not optimize=True: its second pass over the picture cost more than decoding
                # and encoding together (15 -> 35 ms for a 1600 px photo) for 2% fewer bytes.
                _in_mode(image, "RGB").save(out, "JPEG", quality=82, comment=b"")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Invalid.field(field, _l("Upload a photo in JPEG, PNG or WebP format.")) from None
    return out.getvalue(), IMAGE_FORMATS[kind]


def check(stream, *, field="photo"):
    """Raise Invalid as store() would for this image, without keeping it (then rewind)."""
    try:
        clean_image(_read_limited(stream, field), field)
    finally:
        stream.seek(0)


def store(stream, *, field="photo", allow_pdf=False):
    """Check, clean and save an uploaded stream; returns the StoredFile to record."""
    data = _read_limited(stream, field)
    if allow_pdf and data.startswith(b"%PDF-"):
        from eduplatform.pdfcheck import clean_pdf  # pypdf: loaded when a PDF comes

        content, mime_type = clean_pdf(data, field)
    else:
        content, mime_type = clean_image(data, field)
    suffix = {
        "image/jpeg": ".jpg",
        "image/png": ".png",
        "image/webp": ".webp",
        "application/pdf": ".pdf",
    }[mime_type]
    name = secrets.token_urlsafe(24) + suffix
    (upload_dir() / name).write_bytes(content)
    return StoredFile(name=name, mime_type=mime_type, size=len(content))


def remove(name):
    """Delete a stored file (after the transaction that referenced it failed or was undone)."""
    if name:
        (upload_dir() / Path(name).name).unlink(missing_ok=True)
        for cached in (upload_dir() / THUMBNAILS).glob(f"{Path(name).stem}-*.jpg"):
            cached.unlink(missing_ok=True)


def thumbnail_version(name):
    """A short fingerprint of a stored file, for thumbnail URLs that change with the photo."""
    return hashlib.sha256(name.encode()).hexdigest()[:10]


def thumbnail(name, side=THUMBNAIL_SIDE):
    """The path of a small square JPEG of a stored image: made once with Pillow, then reused.

    A stored file never changes (a new photo gets a new name), so the cache needs no expiry;
    remove() deletes it with its photo. Written under a temporary name and renamed, so two
    workers making it at once never serve half a file.
    """
    source = upload_dir() / Path(name).name
    cache = upload_dir() / THUMBNAILS
    target = cache / f"{Path(name).stem}-{side}.jpg"
    if target.exists():
        return target
    _missing_is_not_found(source)
    cache.mkdir(exist_ok=True)
    with Image.open(source) as image:
        image.draft("RGB", (side * 2, side * 2))
        small = ImageOps.fit(image.convert("RGB"), (side, side), Image.Resampling.LANCZOS)
    partial = cache / f".{target.name}.{secrets.token_hex(4)}"
    small.save(partial, "JPEG", quality=80, optimize=True)
    os.replace(partial, target)
    return target


def _missing_is_not_found(path):
    """404 for a stored file that is not on disk (uploads not restored with a backup, a disk
    cleaned by hand): the record stays readable, and the operator reads which file is missing
    in the log, rather than the page getting a server error."""
    if not path.is_file():
        current_app.logger.warning("stored file missing: %s", path.name)
        abort(404)


def send_stored(name, mime_type, download_name, *, inline=True):
    """Serve a stored file; the caller has already checked that the user may see it.

    Only images the app cleaned itself (clean_image) may be shown inline; everything else
    downloads.
    """
    inline = inline and mime_type in IMAGE_FORMATS.values()
    path = upload_dir() / Path(name).name
    _missing_is_not_found(path)
    response = send_file(
        path, mimetype=mime_type, as_attachment=not inline, download_name=download_name, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
