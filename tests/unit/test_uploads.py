"""A phone photo's re-encoding: decoded at a reduced scale straight away, stored upright at most
1600 px; a photo the browser already shrank, with nothing in it but the picture, is decoded
completely and stored as it came (issue 21 item 3)."""

import io

import pytest
from PIL import Image, ImageChops, JpegImagePlugin

from eduplatform.errors import Invalid
from eduplatform.uploads import (
    MAX_IMAGE_SIDE,
    PLAIN_BYTES_PER_PIXEL,
    _shrunk,
    clean_image,
    picture_only,
    stored_size,
)


def _jpeg(size, orientation=None):
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 140, 200)).save(buffer, "JPEG", quality=85, exif=exif)
    return buffer.getvalue()


def test_the_stored_size_keeps_the_aspect_with_the_longer_side_at_most_1600():
    assert stored_size((4032, 3024)) == (1600, 1200)
    assert stored_size((3024, 4032)) == (1200, 1600)
    assert stored_size((800, 600)) == (800, 600)
    assert max(stored_size((9000, 17))) == MAX_IMAGE_SIDE


def test_a_12_megapixel_jpeg_is_decoded_at_half_scale(monkeypatch):
    """draft() asked for a 1600 px square would keep 4032 x 3024 (3024 / 2 < 1600): the whole
    photo decoded, four times the pixels needed."""
    decoded = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = original(self, mode, size)
        decoded.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    data, mime_type = clean_image(_jpeg((4032, 3024)))
    assert decoded[0] == (2016, 1512)
    assert mime_type == "image/jpeg"
    assert Image.open(io.BytesIO(data)).size == (1600, 1200)


def test_a_photo_taken_upright_is_stored_upright_without_its_exif():
    data, _mime_type = clean_image(_jpeg((4032, 3024), orientation=6))  # turned 90 degrees
    stored = Image.open(io.BytesIO(data))
    assert stored.size == (1200, 1600)
    assert 0x0112 not in stored.getexif()


def _exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (6.0, 10.0, 30.0)  # GPS latitude
    return b"Exif\0\0" + exif.tobytes()


EXIF = _exif()


def _browser_jpeg(size=(1600, 1200), **options):
    """A JPEG as a canvas writes it: JFIF header, tables, one frame, the scans, nothing else."""
    buffer = io.BytesIO()
    picture = Image.linear_gradient("L").resize(size)
    Image.merge("RGB", (picture, picture.transpose(Image.Transpose.FLIP_TOP_BOTTOM), picture)).save(
        buffer, "JPEG", quality=85, **options
    )
    return buffer.getvalue()


def _with_segment(data, marker, payload, *, after_scan=False):
    """`data` with one more segment: after the JFIF header, or after the first scan's data."""
    segment = bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload
    if after_scan:
        # The second scan's header (progressive files have several): insert before it.
        first_scan = data.index(b"\xff\xda")
        at = data.index(b"\xff\xc4", first_scan)  # the next scan's Huffman table
        return data[:at] + segment + data[at:]
    at = 2 + 2 + int.from_bytes(data[4:6], "big")  # past SOI and APP0
    return data[:at] + segment + data[at:]


@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
def test_a_photo_shrunk_by_the_browser_is_stored_as_it_came(progressive):
    """Nothing in it but the picture: decoded to the last block, not encoded a second time."""
    sent = _browser_jpeg(progressive=progressive)
    assert picture_only(Image.open(io.BytesIO(sent)), sent) == sent
    assert clean_image(sent) == (sent, "image/jpeg")


def test_a_colour_profile_is_dropped_without_encoding_the_picture_again():
    """Chromium's canvas writes an sRGB profile after the JFIF header."""
    picture = _browser_jpeg()
    sent = _with_segment(picture, 0xE2, b"ICC_PROFILE\0\x01\x01" + b"\x07" * 500)
    assert clean_image(sent) == (picture, "image/jpeg")


@pytest.mark.parametrize(
    ("marker", "payload", "after_scan"),
    [
        (0xE1, EXIF, False),  # where GPS positions hide
        (0xE2, b"NOT_A_PROFILE\0" + b"\0" * 40, False),  # APP2, but no colour profile
        (0xFE, b"made with a phone", False),  # a comment
        (0xEC, b"Ducky" + b"\0" * 10, False),
        (0xE1, EXIF, True),  # between a progressive file's scans
    ],
    ids=["exif", "mpf", "comment", "app12", "exif-between-scans"],
)
def test_a_jpeg_carrying_anything_but_the_picture_is_encoded_again_without_it(
    marker, payload, after_scan
):
    sent = _with_segment(
        _browser_jpeg(progressive=after_scan), marker, payload, after_scan=after_scan
    )
    Image.open(io.BytesIO(sent)).load()  # still a valid JPEG
    stored, mime_type = clean_image(sent)
    assert stored != sent and mime_type == "image/jpeg"
    assert payload not in stored
    assert [name for name, _ in Image.open(io.BytesIO(stored)).applist] == ["APP0"]


def test_a_jfif_thumbnail_or_bytes_after_the_end_are_not_kept():
    sent = _browser_jpeg()
    with_thumbnail = (
        sent[:4] + (16 + 3).to_bytes(2, "big") + sent[6:18] + b"\x01\x01\0\0\0" + sent[20:]
    )
    # (a 1 x 1 thumbnail: the header's two size bytes set and its three pixel bytes added)
    assert picture_only(Image.open(io.BytesIO(with_thumbnail)), with_thumbnail) is None
    trailing = sent + b"\0\0\0\0"
    assert clean_image(trailing)[0] != trailing


def test_a_plain_jpeg_cut_short_is_refused():
    sent = _browser_jpeg()
    with pytest.raises(Invalid):
        clean_image(sent[: len(sent) * 2 // 3])


def test_a_heavy_or_large_jpeg_is_encoded_again():
    large = _browser_jpeg(size=(2000, 1500))
    assert Image.open(io.BytesIO(clean_image(large)[0])).size == (1600, 1200)
    heavy = io.BytesIO()
    noise = Image.frombytes("RGB", (800, 600), bytes(range(256)) * (800 * 600 * 3 // 256))
    noise.save(heavy, "JPEG", quality=100)
    heavy = heavy.getvalue()
    assert len(heavy) > PLAIN_BYTES_PER_PIXEL * 800 * 600
    assert clean_image(heavy)[0] != heavy


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
def test_a_photo_is_shrunk_in_bands_without_a_seam(mode):
    """Band by band (a fraction of the memory): the same picture as one resize, to rounding."""
    size = (3100, 2000)
    noise = Image.effect_noise(size, 60).convert("L")
    gradient = Image.linear_gradient("L").resize(size)
    bands = [noise, gradient, ImageChops.multiply(noise, gradient), noise][: len(mode)]
    photo = Image.merge(mode, bands)
    shrunk = _shrunk(photo)
    assert shrunk.size == (1600, 1032)  # the aspect kept, to the nearest pixel
    assert shrunk.mode == mode
    whole = photo.resize(shrunk.size, Image.Resampling.BICUBIC)
    extrema = ImageChops.difference(shrunk, whole).getextrema()
    extrema = [extrema] if mode == "L" else extrema  # one band: (low, high) itself
    assert max(high for _low, high in extrema) <= 2


def test_a_photo_already_small_enough_is_not_resampled():
    photo = Image.new("RGB", (1600, 900), (10, 20, 30))
    assert _shrunk(photo) is photo
