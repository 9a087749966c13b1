"""People: an A to Z directory filterable by role and work stream, and a profile for each person."""

import string
from dataclasses import dataclass, field

from django.db.models import Count, F
from django.db.models.functions import Lower, Substr, Upper

from publishing.pagination import page_links
from publishing.paths import path_to
from publishing.seo import PageMixin, item_list
from publishing.views import FacetedListView, PublishedDetailView

from . import schema
from .filters import PersonFilter
from .models import Person

OTHER_LETTER = "#"


def family_initial() -> Upper:
    """The first character of the family name, upper-cased: what the directory sorts and groups by."""
    return Upper(Substr("family_name", 1, 1))


def letter_of(initial: str) -> str:
    """The directory heading for a family name's first character: itself if a letter, otherwise '#'."""
    return initial.upper() if initial and initial.isalpha() else OTHER_LETTER


def letter_anchor(letter: str) -> str:
    return "letter-other" if letter == OTHER_LETTER else f"letter-{letter}"


@dataclass
class LetterGroup:
    letter: str
    anchor: str
    continued: bool = False
    people: list = field(default_factory=list)


class PersonListView(PageMixin, FacetedListView):
    """The directory: A to Z by family name, grouped by initial, with a jump list that works across pages."""

    model = Person
    filterset_class = PersonFilter
    template_name = "faculty/person_list.html"
    paginate_by = 100
    queryset = Person.objects.published()  # compared with the time each request's query runs (CurrentTime)

    def directory(self, queryset):
        # Ordered by the initial first, so each letter's people sit together on the same or adjacent pages
        # and the letter counts (ordered by the same expression, in the same collation) line up with them.
        return queryset.annotate(initial=family_initial()).order_by(
            "initial", Lower("family_name"), Lower("given_name"), "pk"
        )

    def count_total(self) -> int:
        return sum(count for _initial, count in self.letter_counts)

    def first_pages(self) -> dict[str, int]:
        """The page on which each letter's first person appears, from the letter counts."""
        pages: dict[str, int] = {}
        offset = 0
        for initial, count in self.letter_counts:
            pages.setdefault(letter_of(initial), offset // self.paginate_by + 1)
            offset += count
        return pages

    def jump_list(self) -> list[dict]:
        """A to Z (plus any other initials), each linking to the page and heading where it starts."""
        pages = self.first_pages()
        letters = [*string.ascii_uppercase, *(letter for letter in pages if letter not in string.ascii_uppercase)]
        entries = []
        for letter in letters:
            href = ""
            if letter in pages:
                anchor = letter_anchor(letter)
                if pages[letter] == self.page.number:
                    href = f"#{anchor}"
                else:
                    query = self.request.GET.copy()
                    query.pop(self.page_kwarg, None)
                    if pages[letter] > 1:
                        query[self.page_kwarg] = str(pages[letter])
                    href = (
                        f"{self.request.path}?{query.urlencode()}#{anchor}"
                        if query
                        else f"{self.request.path}#{anchor}"
                    )
            entries.append({"letter": letter, "href": href})
        return entries

    def groups(self, people) -> list[LetterGroup]:
        """The people on this page under their letter headings; a letter begun on an earlier page is 'continued'."""
        pages = self.first_pages()
        groups: dict[str, LetterGroup] = {}
        for person in people:
            letter = letter_of(person.initial)
            if letter not in groups:
                continued = pages.get(letter, self.page.number) < self.page.number
                groups[letter] = LetterGroup(letter, letter_anchor(letter), continued=continued)
            groups[letter].people.append(person)
        return list(groups.values())

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        filtered = self.filterset.qs
        self.letter_counts = list(
            filtered.order_by()
            .annotate(initial=family_initial())
            .values_list("initial")
            .annotate(n=Count("pk"))
            .order_by("initial")
        )
        # Names and initials for the headings and the structured data; the items are kept (`list_items()`).
        self.object_list = self.directory(filtered).only("pk", "slug", "honorific", "given_name", "family_name")
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        people = list(context["object_list"])
        items = Person.objects.list_items([person.pk for person in people])
        for person in people:
            person.item = items.get(person.pk, "")
        context.update(
            people=people,
            page_links=page_links(self.request.GET, self.page),
            groups=self.groups(people),
            jump_list=self.jump_list(),
            facets=self.filterset.facets(),
            ignored=self.filterset.ignored,
            is_filtered=self.filterset.is_filtered,
            total=self.total,
        )
        return context

    def get_crumbs(self):
        return [("People", path_to("faculty:list"))]

    def get_structured_data(self):
        return item_list("People", self.page, total=self.total, label=lambda person: person.full_name)


class PersonDetailView(PageMixin, PublishedDetailView):
    """A profile: who they are, what they teach and research, and how to reach them."""

    model = Person

    def get_queryset(self):
        return super().get_queryset().select_related("affiliation").prefetch_related("expertise")

    def work_streams(self) -> list[dict]:
        """Every published work stream the person belongs to or is a key contact for, key contacts first."""
        person = self.object
        entries: dict[int, dict] = {}
        for role in person.key_contact_roles.of_published_work_stream().select_related("work_stream"):
            entries[role.work_stream_id] = {
                "work_stream": role.work_stream,
                "key_contact": True,
                "role": role.role_label,
            }
        for membership in person.work_stream_memberships.of_published_work_stream().select_related("work_stream"):
            entries.setdefault(
                membership.work_stream_id, {"work_stream": membership.work_stream, "key_contact": False, "role": ""}
            )
        return sorted(
            entries.values(),
            key=lambda entry: (not entry["key_contact"], entry["work_stream"].order, entry["work_stream"].title),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context.update(
            person=person,
            expertise=person.expertise.all(),
            programmes=person.programmes_led.published().for_cards(),
            research_roles=person.investigator_roles.of_published_project()
            .select_related("project")
            .order_by(F("project__start_date").desc(nulls_last=True), "project__title", "pk"),
            work_streams=self.work_streams(),
        )
        return context

    def get_crumbs(self):
        return [("People", path_to("faculty:list")), (self.object.full_name, self.object.get_absolute_url())]

    def get_structured_data(self):
        return schema.person_data(self.object)
