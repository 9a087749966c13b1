import re

from django.core.exceptions import ValidationError

ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def orcid_check_character(base_digits: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def validate_orcid(value: str) -> None:
    if not ORCID_PATTERN.match(value):
        raise ValidationError(
            "Enter an ORCID iD as four groups of four characters, e.g. 0000-0002-1825-0097.",
            code="orcid_format",
        )
    digits = value.replace("-", "")
    if orcid_check_character(digits[:15]) != digits[15]:
        raise ValidationError(
            "This ORCID iD's last character does not match its check digit; please copy it again.",
            code="orcid_checksum",
        )


MAX_PHOTO_BYTES = 5 * 1024 * 1024
# A few megabytes of compressed image can decode to gigabytes of pixels (a "decompression bomb").
MAX_PHOTO_PIXELS = 40_000_000


def validate_photo(file) -> None:
    """Accept only real JPEG, PNG or WebP images up to 5 MB, judged by their content."""
    from PIL import Image, UnidentifiedImageError

    if file.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            f"This photo is {file.size / 1024 / 1024:.1f} MB; the largest allowed is 5 MB.",
            code="photo_too_large",
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG or WebP photo.",
            code="photo_not_image",
        ) from exc
    finally:
        file.seek(position)
    if image_format not in {"JPEG", "PNG", "WEBP"}:
        raise ValidationError(
            "Upload the photo as JPEG, PNG or WebP.",
            code="photo_format",
        )
    if width * height > MAX_PHOTO_PIXELS:
        raise ValidationError(
            f"This photo is {width} × {height} pixels; make it smaller than 40 megapixels, e.g. 2000 × 2000.",
            code="photo_too_many_pixels",
        )
