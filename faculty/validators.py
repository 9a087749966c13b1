import re

from django.core.exceptions import ValidationError

from security.images import validate_image

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


def validate_photo(file) -> None:
    """Accept only real JPEG, PNG or WebP images up to 5 MB, judged by their content."""
    validate_image(file, noun="photo")
