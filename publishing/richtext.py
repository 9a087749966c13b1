"""Formatted text: a small fixed vocabulary, written in the admin with django-prose-editor, kept clean by nh3.

The vocabulary is paragraphs, headings at the levels the page allows (the fields sit under a level-2
section heading, so 3 and 4), bold, italic, bulleted and numbered lists, line breaks and links (to our own
pages, chosen from a list in the link dialog, or to other sites and e-mail addresses). No raw HTML, no
inline styles, no images inside text.

The same allow-list is enforced three times: by the editor (it cannot produce anything else), when a
record is saved (`RichTextField.pre_save`, whichever way the value arrived: the admin, an import, the demo
loader, a data migration), and on output (the `rich` template filter), so that a value stored before these
rules, or written to the database by hand, still cannot reach a reader as markup.

Text written before formatting existed, and text that arrives without tags (a CSV import), is plain text:
it becomes paragraphs where blank lines were and line breaks where single newlines were, exactly as the
`linebreaks` template filter showed it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from html.parser import HTMLParser

import nh3
from django.urls import reverse_lazy
from django.utils.html import linebreaks
from django_prose_editor.config import allowlist_from_extensions, expand_extensions
from django_prose_editor.fields import ProseEditorField

from .text import CONTROL_CHARACTERS

HEADING_LEVELS = (3, 4)
URL_SCHEMES = ("http", "https", "mailto", "tel")


def extensions(heading_levels=HEADING_LEVELS) -> dict:
    """The editor's extensions; django-prose-editor derives its nh3 allow-list from the same dict."""
    return {
        "Bold": True,
        "Italic": True,
        "Heading": {"levels": list(heading_levels)},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "HardBreak": True,
        # Our own module replaces the editor's Link: its dialog also offers our pages to choose from.
        "OwnLink": {"enableTarget": False, "protocols": list(URL_SCHEMES), "pagesUrl": reverse_lazy("admin:own_pages")},
        "History": True,
        "Menu": True,
    }


# Word, Google Docs and browsers paste <b> and <i>; the vocabulary keeps them, as <strong> and <em>.
_LEGACY_MARKS = re.compile(r"<(/?)(b|i)(\s[^>]*)?>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>", re.IGNORECASE)
_EMPTY = re.compile(r"^(?:\s|<p>\s*(?:<br>\s*)*</p>)*$")


@cache
def _cleaner(heading_levels: tuple[int, ...]) -> nh3.Cleaner:
    allowed = allowlist_from_extensions(expand_extensions(extensions(heading_levels)))
    # Links to other sites may not pass on who was reading, nor vouch for where they go.
    allowed["attributes"]["a"] = {"href", "title"}
    allowed["link_rel"] = "noopener noreferrer"
    return nh3.Cleaner(**allowed)


def looks_like_html(text: str) -> bool:
    """The editor's documents (and pasted HTML) open with a tag; text that does not is plain text, in which
    a "<" is a character, shown as typed."""
    return text.lstrip().startswith("<") and bool(_TAG.search(text))


def clean(value: str | None, heading_levels: tuple[int, ...] = HEADING_LEVELS) -> str:
    """`value` as HTML in the vocabulary: plain text becomes paragraphs, anything else is removed."""
    if not value:
        return ""
    text = CONTROL_CHARACTERS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if not looks_like_html(text):
        text = linebreaks(text, autoescape=True)
    text = _LEGACY_MARKS.sub(lambda m: f"<{m[1]}{'strong' if m[2].lower() == 'b' else 'em'}>", text)
    # Quotes in text are escaped as Django's templates escape them (nh3 quotes attributes with '"', so
    # this never touches markup): text never reads as an attribute, wherever it is later pasted.
    cleaned = _cleaner(tuple(heading_levels)).clean(text).strip().replace("'", "&#x27;")
    return "" if _EMPTY.match(cleaned) else cleaned


class _TextWriter(HTMLParser):
    """Plain text of cleaned HTML: blocks separated by blank lines, list items as bullets."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"}

    def __init__(self, *, with_links: bool = False):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.with_links = with_links
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href = self.links.pop()
            if self.with_links and href:
                self.parts.append(f" ({href})")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def to_text(value: str | None, *, with_links: bool = False) -> str:
    """What a format that carries no markup gets (search, JSON-LD, calendars, vCards, meta descriptions).

    `with_links` writes each link's address after its words, for a comparison where a changed link matters.
    """
    if not value:
        return ""
    if not looks_like_html(value):
        return CONTROL_CHARACTERS.sub("", value).strip()
    writer = _TextWriter(with_links=with_links)
    writer.feed(clean(value))
    writer.close()
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(writer.parts))
    text = re.sub(r"•\n+", "• ", text)  # a list item's first paragraph stays on the bullet's line
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def to_line(value: str | None) -> str:
    """The text on one line: for a short description or a snippet."""
    return " ".join(to_text(value).split())


XHTML = "http://www.w3.org/1999/xhtml"


class _XhtmlBuilder(HTMLParser):
    """Cleaned HTML as an XHTML element tree (nh3's output is balanced, so no repair is needed)."""

    VOID = {"br"}

    def __init__(self, root: ET.Element):
        super().__init__(convert_charrefs=True)
        self.stack = [root]

    def handle_starttag(self, tag, attrs):
        element = ET.SubElement(self.stack[-1], f"{{{XHTML}}}{tag}", {name: value or "" for name, value in attrs})
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        if tag not in self.VOID and len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data):
        parent = self.stack[-1]
        if len(parent):
            tail = parent[-1]
            tail.tail = (tail.tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def to_xhtml(value: str | None) -> ET.Element | None:
    """An XHTML <div> of the text, for formats that carry XHTML (XCRI-CAP descriptions); None when empty."""
    cleaned = clean(value)
    if not cleaned:
        return None
    div = ET.Element(f"{{{XHTML}}}div")
    builder = _XhtmlBuilder(div)
    builder.feed(cleaned)
    builder.close()
    return div


class RichTextField(ProseEditorField):
    """A TextField of formatted text: edited with the prose editor, cleaned on every save.

    Stored as HTML in a plain text column; migrations see a TextField, so changing the vocabulary never
    needs a schema change.
    """

    def __init__(self, *args, heading_levels=HEADING_LEVELS, **kwargs):
        self.heading_levels = tuple(heading_levels)
        super().__init__(
            *args,
            config={"extensions": extensions(self.heading_levels)},
            sanitize=lambda value: clean(value, self.heading_levels),
            **kwargs,
        )

    def normalise(self, value: str | None) -> str:
        """The value as it is stored: what a loader compares with before deciding that a record changed."""
        return clean(value, self.heading_levels)

    def pre_save(self, model_instance, add):
        value = self.normalise(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def value_to_string(self, obj):
        return self.normalise(self.value_from_object(obj))


def plain_text_to_html(app_label: str, fields_by_model: dict[str, list[str]]):
    """A data migration that turns the plain text of these fields into HTML paragraphs, losslessly.

    The live rows, their history and the snapshots of their pending changes are converted alike, so a
    draft, a comparison or a revert never shows old plain text as one run-on paragraph. Values that are
    already HTML are left alone, so running it twice changes nothing.
    """
    from django.db import migrations

    def convert(text):
        if not text or looks_like_html(text):
            return text
        return linebreaks(text.replace("\r\n", "\n"), autoescape=True)

    def forwards(apps, schema_editor):
        for model_name, fields in fields_by_model.items():
            for name in (model_name, f"Historical{model_name}"):
                model = apps.get_model(app_label, name)
                for row in model.objects.only("pk", *fields).iterator():
                    changed = {field: convert(getattr(row, field)) for field in fields}
                    changed = {field: value for field, value in changed.items() if value != getattr(row, field)}
                    if changed:
                        model.objects.filter(pk=row.pk).update(**changed)
            content_type = apps.get_model("contenttypes", "ContentType").objects.filter(
                app_label=app_label, model=model_name.lower()
            )
            changes = apps.get_model("publishing", "PendingChange").objects.filter(
                content_type__in=content_type, snapshot__isnull=False
            )
            for change in changes.iterator():
                values = change.snapshot.get("fields", {})
                if any(values.get(field) != convert(values.get(field)) for field in fields):
                    values.update({field: convert(values.get(field)) for field in fields if field in values})
                    change.save(update_fields=["snapshot"])

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)
