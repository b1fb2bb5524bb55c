"""A voice's picture is read from its bytes and saved anew with nothing but its pixels; anything
else is refused with a message for the person who sent it."""

from __future__ import annotations

import pytest

from fttm.errors import Invalid
from fttm.voices.pictures import LONG_SIDE, reencoded
from tests.voices import samples


def _refusal(data: bytes) -> str:
    with pytest.raises(Invalid) as refused:
        reencoded(data)
    return refused.value.errors["picture"]


def test_a_drawing_keeps_its_pixels_and_loses_its_location_camera_and_comment(app):
    picture = reencoded(samples.drawing_png_with_gps())
    kept = samples.metadata_of(picture.data)
    assert picture.content_type == "image/png" and kept["format"] == "PNG"
    assert kept["gps"] == {} and kept["exif"] == {} and kept["info"] == {}
    assert samples.CAMERA.encode() not in picture.data and b"Elm Street" not in picture.data
    assert (picture.width, picture.height) == kept["size"] == (240, 160)


def test_a_phone_photo_is_turned_upright_and_loses_its_exif(app):
    picture = reencoded(samples.photo_jpeg_with_gps((300, 200), orientation=6))
    kept = samples.metadata_of(picture.data)
    assert picture.content_type == "image/jpeg"
    assert kept["size"] == (200, 300)  # rotated as the phone meant it, then no orientation kept
    assert kept["exif"] == {} and kept["gps"] == {} and b"Exif" not in picture.data


def test_a_huge_picture_is_made_smaller(app):
    picture = reencoded(samples.photo_jpeg_with_gps((4000, 1000)))
    assert (picture.width, picture.height) == (LONG_SIDE, 500)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (samples.gif(), "must be PNG or JPEG"),
        (samples.webp(), "must be PNG or JPEG"),
        (samples.PDF, "must be PNG or JPEG"),
        (samples.SVG, "holds text or a script"),
        (samples.SCRIPT, "holds text or a script"),
        (samples.NOT_AN_IMAGE, "not a picture fttm can read"),
        (samples.TRUNCATED_PNG, "damaged or is not really a picture"),
        (b"\xff\xd8\xff<script>alert(1)</script>", "damaged or is not really a picture"),
        (b"", "Choose a picture"),
    ],
    ids=["gif", "webp", "pdf", "svg", "script", "random", "truncated", "script-as-jpeg", "empty"],
)
def test_what_is_not_a_png_or_jpeg_picture_is_refused_clearly(app, data, words):
    with app.test_request_context():
        assert words in _refusal(data)


def test_more_than_5_mb_is_refused(app):
    with app.test_request_context():
        assert "larger than 5 MB" in _refusal(samples.too_large())


def test_a_decompression_bomb_is_refused_before_it_is_unpacked(app):
    with app.test_request_context():
        assert "too many pixels" in _refusal(samples.bomb())
