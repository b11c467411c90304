"""A phone photo's re-encoding: decoded at a reduced scale straight away, stored upright at most
1600 px (issue 21 item 3)."""

import io

from PIL import Image, JpegImagePlugin

from eduplatform.uploads import MAX_IMAGE_SIDE, clean_image, stored_size


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
