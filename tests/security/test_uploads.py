"""Uploaded images: checked by content, re-encoded without metadata, stored under a generated name."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from faculty.models import Person
from faculty.validators import validate_photo
from security.images import reencode_image
from tests.factories import PersonFactory

GPS_IFD = 0x8825
ARTIST = 0x013B
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>Secret location</rdf:Description></x:xmpmeta>'


def photo_bytes(image_format="JPEG", size=(64, 48), metadata=True, trailer=b"") -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    options = {}
    if metadata:
        exif = Image.Exif()
        exif[ARTIST] = "Jane Doe, home address"
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 27.0, 1.0)})
        exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
        options["exif"] = exif
        if image_format in {"JPEG", "WEBP"}:
            options["xmp"] = XMP
        if image_format == "PNG":
            from PIL.PngImagePlugin import PngInfo

            info = PngInfo()
            info.add_text("Comment", "taken at 12 Secret Street")
            options["pnginfo"] = info
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue() + trailer


def metadata_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as image:
        return {"exif": dict(image.getexif()), "info": dict(image.info), "size": image.size, "format": image.format}


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_reencoding_drops_exif_gps_xmp_and_text_metadata(image_format):
    original = photo_bytes(image_format)
    assert metadata_of(original)["exif"]  # the fixture really carries metadata

    cleaned, _ = reencode_image(io.BytesIO(original))

    meta = metadata_of(cleaned)
    assert meta["format"] == image_format
    assert meta["exif"] == {}
    assert not {"exif", "xmp", "XML:com.adobe.xmp", "Comment", "comment"} & set(meta["info"])
    for secret in (b"Jane Doe", b"Secret", b"GPS"):
        assert secret not in cleaned


def test_reencoding_applies_the_orientation_so_the_photo_stays_upright():
    cleaned, _ = reencode_image(io.BytesIO(photo_bytes("JPEG", size=(64, 48))))
    assert metadata_of(cleaned)["size"] == (48, 64)


def test_reencoding_drops_anything_appended_after_the_image():
    # A "polyglot": a valid JPEG that is also an HTML page or a zip archive.
    trailer = b"<html><script>alert(document.cookie)</script></html>PK\x03\x04"
    cleaned, _ = reencode_image(io.BytesIO(photo_bytes("JPEG", trailer=trailer)))
    assert b"<script>" not in cleaned and b"PK\x03\x04" not in cleaned


@pytest.mark.parametrize(("image_format", "suffix"), [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp")])
def test_reencoding_names_the_suffix_of_the_real_format(image_format, suffix):
    assert reencode_image(io.BytesIO(photo_bytes(image_format)))[1] == suffix


def test_reencoding_refuses_a_decompression_bomb():
    bomb = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(bomb, format="PNG")  # a few kilobytes, 50 megapixels
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(ValidationError, match="40 megapixels"):
        reencode_image(bomb)


def test_photo_validation_refuses_a_decompression_bomb_with_a_clear_message():
    bomb = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(bomb, format="PNG")
    upload = SimpleUploadedFile("me.png", bomb.getvalue(), content_type="image/png")
    with pytest.raises(ValidationError, match="smaller than 40 megapixels"):
        validate_photo(upload)


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",
        b"GIF89a<script>alert(1)</script>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"%PDF-1.4 not a photo",
    ],
)
def test_photo_validation_refuses_files_that_are_not_photos_whatever_their_name(content):
    upload = SimpleUploadedFile("portrait.jpg", content, content_type="image/jpeg")
    with pytest.raises(ValidationError):
        validate_photo(upload)


def test_saved_photo_is_stripped_and_stored_under_a_generated_name(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # PNG content uploaded with a misleading name: the stored suffix follows the content.
    upload = SimpleUploadedFile("../../etc/passwd <script>.jpg", photo_bytes("PNG"), content_type="image/jpeg")
    person = PersonFactory(photo=upload, photo_alt="Portrait")

    assert re.fullmatch(r"people/[0-9a-f]{32}\.png", person.photo.name)
    stored = (tmp_path / person.photo.name).read_bytes()
    assert metadata_of(stored)["exif"] == {}
    assert b"Secret Street" not in stored and b"Jane Doe" not in stored


def test_saving_a_person_again_does_not_touch_the_stored_photo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = PersonFactory(photo=SimpleUploadedFile("a.jpg", photo_bytes("JPEG")), photo_alt="Portrait")
    name = person.photo.name
    person.job_title = "Professor"
    person.save()
    person.refresh_from_db()
    assert person.photo.name == name
    assert len(list((tmp_path / "people").iterdir())) == 1


def test_a_photo_is_stripped_however_the_person_is_saved_even_in_bulk(db, settings, tmp_path):
    # The field re-encodes it, so no path that skips save() and its signals stores the original.
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("me.jpg", photo_bytes("JPEG"), content_type="image/jpeg")
    [person] = Person.objects.bulk_create([PersonFactory.build(photo=upload, photo_alt="Portrait")])

    stored = (tmp_path / person.photo.name).read_bytes()
    assert metadata_of(stored)["exif"] == {}
    assert b"Jane Doe" not in stored
