"""The XCRI-CAP validator's rule set (programmes/schemas/validator-rules.xml), applied in Python, offline.

The UK Course Data Programme's validator checked feeds against these rules beyond the schema: counts of
elements, formats of postcodes, telephone numbers and e-mail addresses, one untyped description per language
and so on. Each rule is an XPath selector and a validator type with its parameters; this module reads the
file and applies every rule of the types it knows. A rule of a type it does not know, or one whose check
needs a vocabulary published only online (JACS, LDCS), makes `check` raise when the feed has anything it
selects, so a rule can never be skipped silently.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from lxml import etree

from publishing.addresses import POSTCODE_RE

RULES = Path(settings.BASE_DIR) / "programmes" / "schemas" / "validator-rules.xml"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The recommended vocabularies of the three presentation elements, from the XCRI-CAP 1.2 specification
# (code in @identifier, label as content); the validator fetched them from xcri.co.uk as VDEX files.
VOCABULARIES = {
    "studyMode2_1.xml": {
        "NK": "Not known",
        "FL": "Flexible",
        "FT": "Full time",
        "PF": "Part of a full time programme",
        "PT": "Part time",
    },
    "attendanceMode2_1.xml": {
        "CM": "Campus",
        "DA": "Distance with attendance",
        "DS": "Distance without attendance",
        "NC": "Face-to-face non-campus",
        "MM": "Mixed mode",
        "ON": "Online (no attendance)",
        "WB": "Work-based",
    },
    "attendancePattern2_1.xml": {
        "DT": "Daytime",
        "EV": "Evening",
        "TW": "Twilight",
        "DR": "Day/Block release",
        "WE": "Weekend",
        "CS": "Customised",
    },
}
ISO_DURATION = re.compile(r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# As dialled from the UK: a trunk prefix 0 and 10 digits in all (9 for a few old numbers), spaces allowed.
UK_PHONE = re.compile(r"^0[\d ]{8,12}\d$")


@dataclass(frozen=True)
class Finding:
    status: str  # Exception, Warning or Recommendation, as the rule file says
    message: str
    where: str

    def __str__(self) -> str:
        return f"{self.status}: {self.message} ({self.where})"


def _text(node) -> str:
    if isinstance(node, str):  # an attribute or text result
        return str(node)
    return "".join(node.itertext())


def _where(node) -> str:
    if isinstance(node, str):
        parent = node.getparent()
        return f"{parent.getroottree().getpath(parent)}/@{node.attrname}" if parent is not None else "?"
    return node.getroottree().getpath(node)


def _language(node) -> str:
    for element in [node, *node.iterancestors()]:
        if element.get(XML_LANG):
            return element.get(XML_LANG)
    return ""


class Rules:
    def __init__(self, path: Path = RULES):
        tree = etree.parse(str(path))
        self.namespaces = {add.get("prefix"): add.get("namespace") for add in tree.iterfind("namespaces/add")}
        self.document_rules = [rule for rule in tree.find("documentValidation") if isinstance(rule.tag, str)]
        self.element_rules = [
            (group.get("selector"), [rule for rule in group if isinstance(rule.tag, str)])
            for group in tree.iterfind("elementValidation")
        ]

    def check(self, document) -> list[Finding]:
        root = document.getroot() if hasattr(document, "getroot") else document
        findings = []
        for rule in self.document_rules:
            findings += self._apply(rule, root)
        for selector, rules in self.element_rules:
            for context in root.xpath(selector, namespaces=self.namespaces):
                for rule in rules:
                    findings += self._apply(rule, context)
        return findings

    def _select(self, rule, context):
        return context.xpath(rule.get("selector"), namespaces=self.namespaces)

    def _apply(self, rule, context) -> list[Finding]:
        kind = rule.tag
        if kind == "furtherInformation":
            return []
        if kind == "manualValidator":  # for a person to review; nothing a program can decide
            return []
        check = getattr(self, f"_{kind}", None)
        if check is None:
            if self._select(rule, context):
                raise NotImplementedError(f"no Python check for the validator rule <{kind}>")
            return []
        return [Finding(rule.get("status"), rule.get("message"), where) for where in check(rule, context) if where]

    # Each check yields where the rule is broken.

    def _numberValidator(self, rule, context):
        value = self._select(rule, context)
        minimum, maximum = rule.get("minimum"), rule.get("maximum")
        if (minimum is not None and value < float(minimum)) or (maximum is not None and value > float(maximum)):
            yield f"{_where(context)}: {rule.get('selector')} = {value:g}"

    def _stringLengthValidator(self, rule, context):
        minimum, maximum = rule.get("minimum"), rule.get("maximum")
        for node in self._select(rule, context):
            length = len(_text(node).strip())
            if (minimum is not None and length < int(minimum)) or (maximum is not None and length > int(maximum)):
                yield f"{_where(node)}: {length} characters"

    def _emptyElementValidator(self, rule, context):
        for node in self._select(rule, context):
            empty = not _text(node).strip() and not len(node)
            if empty == (rule.get("enforcementType") == "ForceNotEmpty"):
                yield _where(node)

    def _urlValidator(self, rule, context):
        for node in self._select(rule, context):
            parts = urlsplit(_text(node).strip())
            if not (parts.scheme and (parts.netloc or parts.scheme in ("mailto", "urn", "tag"))):
                yield f"{_where(node)}: {_text(node)!r}"

    def _pattern(self, rule, context, pattern):
        for node in self._select(rule, context):
            if not pattern.match(_text(node).strip()):
                yield f"{_where(node)}: {_text(node)!r}"

    def _emailAddressValidator(self, rule, context):
        yield from self._pattern(rule, context, EMAIL)

    def _ukTelephoneNumberValidator(self, rule, context):
        yield from self._pattern(rule, context, UK_PHONE)

    def _postCodeValidator(self, rule, context):
        yield from self._pattern(rule, context, POSTCODE_RE)

    def _languageValidator(self, rule, context):
        yield from self._pattern(rule, context, re.compile(r"^[a-z]{2}$"))

    def _durationValidator(self, rule, context):
        yield from self._pattern(rule, context, ISO_DURATION)

    def _positiveIntegerValidator(self, rule, context):
        yield from self._pattern(rule, context, re.compile(r"^[1-9]\d*$"))

    def _regularExpressionValidator(self, rule, context):
        flags = 0 if rule.get("isCaseSensitive", "true").lower() == "true" else re.IGNORECASE
        yield from self._pattern(rule, context, re.compile(rule.get("pattern"), flags))

    def _numberPerLanguageValidator(self, rule, context):
        maximum = int(rule.get("maximum"))
        for owner in self._select(rule, context):
            counts: dict[str, int] = {}
            for child in owner.xpath(rule.get("childElementSelector"), namespaces=self.namespaces):
                counts[_language(child)] = counts.get(_language(child), 0) + 1
            for language, count in counts.items():
                if count > maximum:
                    yield f"{_where(owner)}: {count} for language {language or '(none)'}"

    def _uniqueValidator(self, rule, context):
        # "context": unique among identifiers of the same kind of element (provider, course, presentation …).
        seen: dict[tuple[str, str], str] = {}
        for node in self._select(rule, context):
            key = (node.getparent().tag, _text(node).strip())
            if key in seen:
                yield f"{_where(node)} repeats {seen[key]}"
            seen.setdefault(key, _where(node))

    def _vdexValidator(self, rule, context):
        nodes = self._select(rule, context)
        if rule.get("filterByXsiType") == "true":
            expected = rule.get("xsiTypeFilterExpectedType")
            nodes = [node for node in nodes if (node.get(XSI_TYPE) or "").endswith(f":{expected}")]
            if nodes:
                raise NotImplementedError(f"the {expected} vocabulary is published only online")
            return
        vocabulary = VOCABULARIES[rule.get("vdexLocation").rsplit("/", 1)[-1]]
        for node in nodes:
            if vocabulary.get(node.get("identifier")) != _text(node).strip():
                yield f"{_where(node)}: {node.get('identifier')!r} {_text(node)!r}"
