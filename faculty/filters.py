"""The people directory's filters (role and work stream), and the number of people behind each option.

Forgiving like the other lists: a value that matches no option is dropped and reported in
`ignored`, never an error page.
"""

from publishing.filters import FacetedFilterSet, FacetFilter, Records

from .models import Person, PersonQuerySet


class PersonFilter(FacetedFilterSet):
    """Filters for `/people/`; expects `Person.objects.published()`."""

    role = FacetFilter(label="Role", choices=Person.RoleKind.choices, field_name="role_kind")
    # Members and key contacts alike; the work streams are read through the reverse relations.
    work_stream = FacetFilter(
        label="Work stream",
        options_from=Records(("work_streams", "key_contact_for"), label="title", position="order", published=True),
        predicate=PersonQuerySet.in_work_streams,
    )

    class Meta:
        model = Person
        fields: list[str] = []
