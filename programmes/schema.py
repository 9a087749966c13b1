"""Programmes as schema.org Course data, for the programme page's JSON-LD."""

from django.utils import timezone

from organisations.schema import organisation_data
from publishing.seo import absolute_url, centre_reference

from .linked import Linked
from .models import Intake, Programme

ATTENDANCE_COURSE_MODE = {
    Programme.AttendanceMode.CAMPUS: "Onsite",
    Programme.AttendanceMode.BLENDED: "Blended",
    Programme.AttendanceMode.ONLINE: "Online",
    Programme.AttendanceMode.WORK_BASED: "Onsite",
}
ISO_DURATION_UNIT = {"hours": "PT{}H", "days": "P{}D", "weeks": "P{}W", "months": "P{}M", "years": "P{}Y"}
# Study time per day, week or month, read as a schedule: schema.org's repeat frequency, and how many of those
# periods a duration in each unit is, where that is exact (a month is not a whole number of weeks).
REPEAT_FREQUENCY = {"day": "Daily", "week": "Weekly", "month": "Monthly"}
PERIODS_IN = {
    ("day", "days"): 1,
    ("day", "weeks"): 7,
    ("week", "weeks"): 1,
    ("month", "months"): 1,
    ("month", "years"): 12,
}


def study_time(programme: Programme) -> dict:
    """courseSchedule and courseWorkload, from the study time and the duration, where both say enough.

    "6 hours per week" for "15 weeks" is a weekly schedule of 15 repeats of PT6H, 90 hours in all; "120 hours
    in all" is the workload alone; a period that does not divide the duration exactly gives no schedule.
    """
    hours, per = programme.study_hours, programme.study_hours_per
    if not hours or not per:
        return {}
    if per == Programme.StudyTimePer.TOTAL:
        return {"courseWorkload": f"PT{hours}H"}
    periods = PERIODS_IN.get((per, programme.duration_unit))
    if not periods or not programme.duration_value:
        return {}
    repeats = periods * programme.duration_value
    schedule = {"@type": "Schedule", "duration": f"PT{hours}H", "repeatFrequency": REPEAT_FREQUENCY[per]}
    return {"courseSchedule": {**schedule, "repeatCount": repeats}, "courseWorkload": f"PT{hours * repeats}H"}


def course_data(programme: Programme, linked: Linked) -> dict:
    """schema.org Course with a CourseInstance per upcoming or current intake, from the programme and what its
    page shows of other records (`programmes.linked`)."""
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
    if programme.fee_category:
        # Search engines' course listings show the category; the words of fees_and_funding stay on the page.
        data["offers"] = [{"@type": "Offer", "category": programme.fee_category, "url": programme.apply_url or url}]
    audiences = [audience.name for audience in linked.audiences]
    if audiences:
        data["audience"] = [{"@type": "EducationalAudience", "audienceType": name} for name in audiences]
    topics = [topic.name for topic in linked.topics]
    if topics:
        data["about"] = topics
    partners = [link.organisation for link in linked.partnerships]
    if partners:
        data["contributor"] = [organisation_data(organisation) for organisation in partners]
    leads = linked.leads
    instructors = [
        {"@type": "Person", "name": person.full_name, "url": absolute_url(person.get_absolute_url())}
        for person in leads
    ]
    mode = ATTENDANCE_COURSE_MODE.get(programme.attendance_mode)
    schedule = study_time(programme)
    instances = []
    today = timezone.localdate()
    for intake in linked.intakes:
        if intake.is_past(today) or intake.status == Intake.Status.CANCELLED:
            continue
        instance = {"@type": "CourseInstance", "name": intake.label or programme.title}
        if mode:
            instance["courseMode"] = mode
        if intake.start_date:
            instance["startDate"] = intake.start_date
        if intake.end_date:
            instance["endDate"] = intake.end_date
        instance.update(schedule)
        location = intake.location or programme.location
        if location:
            instance["location"] = location
        if instructors:
            instance["instructor"] = instructors
        instances.append(instance)
    if instances:
        data["hasCourseInstance"] = instances
    return data
