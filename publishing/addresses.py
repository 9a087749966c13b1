"""UK postcodes: checked where editors type them, and found in addresses typed as free text.

Course aggregators (XCRI-CAP's UK rules) want a postcode for every location; a venue is typed as words
("Edgbaston campus, Birmingham B15 2TT"), so the feed takes the postcode from the words when it is there.
"""

import re

from django.core.exceptions import ValidationError

# The format of the Royal Mail's postcodes (outward code, optional space, inward code), as the UK
# Government Data Standards Catalogue gives it.
_OUTWARD = r"[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?|[0-9][A-HJKPS-UW])"
_POSTCODE = rf"(?:GIR ?0AA|{_OUTWARD} ?[0-9][ABD-HJLNP-UW-Z]{{2}})"
POSTCODE_RE = re.compile(rf"^{_POSTCODE}$", re.IGNORECASE)
POSTCODE_IN_TEXT_RE = re.compile(rf"\b{_POSTCODE}\b", re.IGNORECASE)


def normalise_postcode(value: str) -> str:
    """As the Royal Mail writes it: capitals, one space before the last three characters."""
    compact = re.sub(r"\s+", "", value).upper()
    return f"{compact[:-3]} {compact[-3:]}"


def validate_uk_postcode(value: str) -> None:
    if value and not POSTCODE_RE.match(value.strip()):
        raise ValidationError("Enter a UK postcode, e.g. B15 2TT.", code="invalid_postcode")


def find_uk_postcode(text: str) -> str:
    """The last UK postcode in an address typed as words, normalised, or ""."""
    found = POSTCODE_IN_TEXT_RE.findall(text or "")
    return normalise_postcode(found[-1]) if found else ""
