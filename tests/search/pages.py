"""Reading search pages the way a visitor sees them (lxml with XPath; cssselect is not installed)."""

from lxml import html


def parse(response):
    return html.fromstring(response.content)


def with_class(name: str) -> str:
    """An XPath step for elements carrying the CSS class `name`."""
    return f'//*[contains(concat(" ", normalize-space(@class), " "), " {name} ")]'


def texts(tree, name: str) -> list[str]:
    return [node.text_content().strip() for node in tree.xpath(with_class(name))]


def result_titles(response) -> list[str]:
    return texts(parse(response), "search-result__title")


def result_kinds(response) -> list[str]:
    return texts(parse(response), "search-result__kind")
