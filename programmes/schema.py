"""Programmes as schema.org Course data, for the programme page's JSON-LD."""

from django.utils import timezone

from organisations.schema import organisation_data
from publishing.seo import absolute_url, centre_reference

from .models import Intake, Programme

ATTENDANCE_COURSE_MODE = {
    Programme.AttendanceMode.CAMPUS: "Onsite",
    Programme.AttendanceMode.BLENDED: "Blended",
    Programme.AttendanceMode.ONLINE: "Online",
    Programme.AttendanceMode.WORK_BASED: "Onsite",
}
ISO_DURATION_UNIT = {"hours": "PT{}H", "days": "P{}D", "weeks": "P{}W", "months": "P{}M", "years": "P{}Y"}


def course_data(programme: Programme) -> dict:
    """schema.org Course with a CourseInstance per upcoming or current intake."""
    url = absolute_url(programme.get_absolute_url())
    data = {
        "@type": "Course",
        "@id": f"{url}#course",
        "name": programme.title,
        "description": programme.summary,
        "url": url,
        "inLanguage": "en-GB",
        "provider": centre_reference(),
        "courseCode": programme.slug,
    }
    if programme.image:
        data["image"] = absolute_url(programme.image_1440w.url)
    if programme.qualification:
        data["educationalCredentialAwarded"] = programme.qualification
    if programme.level:
        data["educationalLevel"] = programme.get_level_display()
    if programme.duration_value and programme.duration_unit:
        data["timeRequired"] = ISO_DURATION_UNIT[programme.duration_unit].format(programme.duration_value)
    audiences = [audience.name for audience in programme.audiences.all()]
    if audiences:
        data["audience"] = [{"@type": "EducationalAudience", "audienceType": name} for name in audiences]
    topics = [topic.name for topic in programme.topics.all()]
    if topics:
        data["about"] = topics
    partners = [link.organisation for link in programme.partnerships.all()]
    if partners:
        data["contributor"] = [organisation_data(organisation) for organisation in partners]
    leads = [role.person for role in programme.lead_roles.all()]
    instructors = [
        {"@type": "Person", "name": person.full_name, "url": absolute_url(person.get_absolute_url())}
        for person in leads
    ]
    mode = ATTENDANCE_COURSE_MODE.get(programme.attendance_mode)
    instances = []
    today = timezone.localdate()
    for intake in programme.intakes.all():
        if intake.is_past(today) or intake.status == Intake.Status.CANCELLED:
            continue
        instance = {"@type": "CourseInstance", "name": intake.label or programme.title}
        if mode:
            instance["courseMode"] = mode
        if intake.start_date:
            instance["startDate"] = intake.start_date
        if intake.end_date:
            instance["endDate"] = intake.end_date
        location = intake.location or programme.location
        if location:
            instance["location"] = location
        if instructors:
            instance["instructor"] = instructors
        instances.append(instance)
    if instances:
        data["hasCourseInstance"] = instances
    return data
