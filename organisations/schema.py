"""Organisations as schema.org describes them, for the structured data of the pages that name them."""


def organisation_data(organisation) -> dict:
    """An `organisations.Organisation` as a schema.org Organization."""
    data = {"@type": "Organization", "name": organisation.name}
    if organisation.short_name:
        data["alternateName"] = organisation.short_name
    if organisation.website:
        data["url"] = organisation.website
    return data
