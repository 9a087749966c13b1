"""Read a rendered page the way a visitor and a structured-data parser would."""

import json

import lxml.html


def has_class(name: str) -> str:
    """An XPath predicate for elements with this class."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def tree(response):
    return lxml.html.fromstring(response.content)


def page_text(response) -> str:
    """What a reader sees in the page's main content, with whitespace between elements."""
    main = tree(response).xpath("//main")[0]
    return " ".join(" ".join(main.itertext()).split())


def structured_data(response) -> list[dict]:
    """Every schema.org node in the page's JSON-LD blocks, nested @graph documents flattened."""
    nodes = []
    for block in tree(response).xpath('//script[@type="application/ld+json"]/text()'):
        data = json.loads(block)
        assert data["@context"] == "https://schema.org"
        nodes.extend(data.get("@graph", [data]))
    return nodes


def node_of_type(response, schema_type: str) -> dict:
    """The one top-level schema.org node of this @type."""
    matches = [node for node in structured_data(response) if node.get("@type") == schema_type]
    assert len(matches) == 1, f"expected one {schema_type} node, found {len(matches)}"
    return matches[0]


def facet_counts(response, facet: str) -> dict[str, int]:
    """Filter option value -> the count shown next to it in the filter form."""
    page = tree(response)
    counts = {}
    for box in page.xpath(f'//input[@type="checkbox"][@name="{facet}"]'):
        label = page.xpath(f'//label[@for="{box.get("id")}"]')[0]
        counts[box.get("value")] = int(label.xpath(f".//*[{has_class('facet__count')}]")[0].text_content().split()[0])
    return counts
