"""The research list's filters, and the number of projects behind each option.

`ResearchProjectFilter` is the single definition of what a `/research/` URL means, on the forgiving
`publishing.filters.FacetedFilterSet`: a value that matches no option (an old bookmark, a topic that
was renamed) is dropped and reported in `ignored`, never an error page.
"""

from functools import partial

from django.db.models import Q

from publishing.filters import FacetedFilterSet, FacetFilter, Records

from .models import ProjectOrganisation, ProjectStatus, ResearchProject, ResearchProjectQuerySet


class ResearchProjectFilter(FacetedFilterSet):
    """Filters for `/research/`; expects `ResearchProject.objects.published().with_status()`."""

    status = FacetFilter(label="Status", choices=ProjectStatus.choices, field_name="project_status")
    work_stream = FacetFilter(
        label="Work stream",
        options_from=Records("work_streams", label="title", position="order", published=True),
        predicate=ResearchProjectQuerySet.in_work_streams,
    )
    topic = FacetFilter(label="Topic", options_from=Records("topics"), predicate=ResearchProjectQuerySet.with_topics)
    funder = FacetFilter(
        label="Funder",
        options_from=Records(
            "organisation_roles__organisation", where=Q(organisation_roles__role=ProjectOrganisation.Role.FUNDER)
        ),
        predicate=partial(ResearchProjectQuerySet.with_organisations, role=ProjectOrganisation.Role.FUNDER),
    )

    class Meta:
        model = ResearchProject
        fields: list[str] = []
