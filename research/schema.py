"""Research projects as schema.org ResearchProject data, for the project page's JSON-LD."""

from faculty.schema import person_reference
from organisations.schema import organisation_data
from publishing import richtext
from publishing.seo import absolute_url, centre_reference

from .models import ProjectOrganisation, ResearchOutput, ResearchProject

# How each kind of output reads to schema.org parsers.
OUTPUT_TYPES = {
    ResearchOutput.Kind.REPORT: "Report",
    ResearchOutput.Kind.ARTICLE: "ScholarlyArticle",
    ResearchOutput.Kind.CHAPTER: "Chapter",
    ResearchOutput.Kind.BRIEFING: "Report",
    ResearchOutput.Kind.PRESENTATION: "PresentationDigitalDocument",
    ResearchOutput.Kind.DATASET: "Dataset",
}


def project_data(project: ResearchProject) -> dict:
    """A project as a schema.org ResearchProject, from the prefetched relations of the detail page."""
    url = absolute_url(project.get_absolute_url())
    data = {
        "@type": "ResearchProject",
        "@id": f"{url}#project",
        "name": project.title,
        "description": project.summary,
        "url": url,
        "parentOrganization": centre_reference(),
    }
    if project.image:
        data["image"] = absolute_url(project.image_1440w.url)
    if project.description:
        data["disambiguatingDescription"] = richtext.to_line(project.description)[:500]
    if project.start_date:
        data["foundingDate"] = project.start_date.isoformat()
    if project.end_date:
        data["dissolutionDate"] = project.end_date.isoformat()
    funders = [organisation_data(organisation) for organisation in project.funders]
    if funders:
        data["funder"] = funders
    commissioners = [
        organisation_data(organisation)
        for organisation in project.organisations_with_role(ProjectOrganisation.Role.COMMISSIONER)
    ]
    if commissioners:
        data["sponsor"] = commissioners
    members = [person_reference(link.person) for link in project.investigator_roles.all()]
    members += [organisation_data(organisation) for organisation in project.partners]
    if members:
        data["member"] = members
    topics = [topic.name for topic in project.topics.all()]
    if topics:
        data["knowsAbout"] = topics
    outputs = []
    for output in project.outputs.all():
        work = {"@type": OUTPUT_TYPES.get(output.kind, "CreativeWork"), "name": output.title}
        if output.link:
            work["url"] = output.link
        if output.doi:
            work["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": output.doi}
        if output.year:
            work["datePublished"] = str(output.year)
        outputs.append(work)
    if outputs:
        data["subjectOf"] = outputs
    return data
