"""People as schema.org Person data: a profile page, and the short reference other pages point with."""

from organisations.schema import organisation_data
from publishing import richtext
from publishing.seo import absolute_url, centre_reference

from .models import Person


def person_reference(person: Person) -> dict:
    """A short schema.org Person pointing at the full profile, for investigators, leads and contacts."""
    data = {"@type": "Person", "name": person.full_name, "url": absolute_url(person.get_absolute_url())}
    if person.job_title:
        data["jobTitle"] = person.job_title
    return data


def person_data(person: Person) -> dict:
    """A profile page: schema.org ProfilePage whose main entity is the Person."""
    url = absolute_url(person.get_absolute_url())
    data = {
        "@type": "Person",
        "@id": f"{url}#person",
        "name": person.full_name,
        "givenName": person.given_name,
        "familyName": person.family_name,
        "url": url,
        # The home organisation when it is not the centre, e.g. a visiting professor's university.
        "affiliation": organisation_data(person.affiliation) if person.affiliation else centre_reference(),
    }
    if person.affiliation:
        data["memberOf"] = centre_reference()
    if person.honorific:
        data["honorificPrefix"] = person.honorific
    if person.job_title:
        data["jobTitle"] = person.job_title
    if person.biography:
        data["description"] = richtext.to_line(person.biography)[:500]
    if person.email:
        data["email"] = f"mailto:{person.email}"
    if person.phone:
        data["telephone"] = person.phone
    if person.photo:
        data["image"] = absolute_url(person.photo.url)
    same_as = [link for link in (person.orcid_url, person.profile_url) if link]
    if same_as:
        data["sameAs"] = same_as
    expertise = [topic.name for topic in person.expertise.all()]
    if expertise:
        data["knowsAbout"] = expertise
    return {
        "@type": "ProfilePage",
        "url": url,
        "name": person.full_name,
        "dateModified": person.updated_at.isoformat(),
        "mainEntity": data,
    }
