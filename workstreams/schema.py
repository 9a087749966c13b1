"""Work streams as schema.org data: each page a CollectionPage, the list an ItemList."""

from publishing import centre
from publishing.paths import path_to
from publishing.seo import absolute_url, centre_reference

from .models import WorkStream


def work_stream_data(work_stream: WorkStream, programmes, projects, key_contacts, focus_areas) -> dict:
    """A work stream page as a schema.org CollectionPage of its programmes and projects."""
    url = absolute_url(work_stream.get_absolute_url())
    items = [*programmes, *projects]
    publisher = centre_reference()
    contact_points = []
    for contact in key_contacts:
        person = contact.person
        point = {"@type": "ContactPoint", "name": person.full_name, "contactType": contact.role_label or "Key contact"}
        if person.email:
            point["email"] = person.email
        if person.phone:
            point["telephone"] = person.phone
        contact_points.append(point)
    if contact_points:
        publisher["contactPoint"] = contact_points
    data = {
        "@type": "CollectionPage",
        "@id": f"{url}#page",
        "name": work_stream.title,
        "description": work_stream.summary,
        "url": url,
        "dateModified": work_stream.updated_at.isoformat(),
        "isPartOf": {"@type": "WebSite", "name": centre.current().name, "url": absolute_url(path_to("home"))},
        "publisher": publisher,
        **({"primaryImageOfPage": absolute_url(work_stream.image_1440w.url)} if work_stream.image else {}),
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": len(items),
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "url": absolute_url(item.get_absolute_url()),
                    "name": item.title,
                }
                for position, item in enumerate(items, start=1)
            ],
        },
    }
    topics = [{"@type": "Thing", "name": topic.name} for topic in focus_areas]
    if topics:
        data["about"] = topics
    return data


def work_stream_list_data(work_streams) -> dict:
    """The work streams page as a schema.org ItemList."""
    return {
        "@type": "ItemList",
        "name": "Work streams",
        "numberOfItems": len(work_streams),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "url": absolute_url(work_stream.get_absolute_url()),
                "name": work_stream.title,
            }
            for position, work_stream in enumerate(work_streams, start=1)
        ],
    }
