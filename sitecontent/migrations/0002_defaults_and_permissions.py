"""The first records, from the settings and the words the templates had, and who may edit them."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

from publishing.centre import default_privacy_notice

# Frozen as they were at this migration (hsmc_site.roles, sitecontent.models).
CONTENT_EDITORS = "Content editors"
PUBLISHERS = "Publishers"
HEADLINE = "Developing the leaders health and care services need"
INTRODUCTION = (
    "The Health Services Management Centre combines research, taught Masters programmes and commissioned "
    "leadership development, so that learning is grounded in evidence and in the realities of leading health "
    "services."
)
CARDS = [
    (
        "Research and evaluation",
        "Original research and objective analysis of leadership and management in health care, and evaluations "
        "that measure the impact of development programmes.",
        "/research/",
    ),
    (
        "Taught Masters programmes",
        "Academic learning grounded in professional practice, for senior leaders in provider, commissioning and "
        "policy roles.",
        "/programmes/?kind=taught_masters",
    ),
    (
        "Commissioned leadership development",
        "Programmes we design, deliver and evaluate with partners and commissioners, for leaders at every level "
        "of the system.",
        "/programmes/?kind=commissioned&kind=national_partnership",
    ),
]


def write_defaults(apps, schema_editor):
    CentreDetails = apps.get_model("sitecontent", "CentreDetails")
    HomePage = apps.get_model("sitecontent", "HomePage")
    HomeCard = apps.get_model("sitecontent", "HomeCard")
    CentreLink = apps.get_model("sitecontent", "CentreLink")
    centre, created = CentreDetails.objects.get_or_create(
        pk=1,
        defaults={
            "status": "published",
            "name": settings.SITE_NAME,
            "short_name": settings.SITE_SHORT_NAME,
            "address": settings.CENTRE_ADDRESS,
            "email": settings.CENTRE_EMAIL,
            "phone": settings.CENTRE_PHONE,
            "privacy_notice": default_privacy_notice(),
        },
    )
    if created:
        CentreLink.objects.create(centre=centre, kind="footer", label="All programmes", url="/programmes/", order=0)
        CentreLink.objects.create(centre=centre, kind="footer", label="Contact and enquiries", url="/contact/", order=1)
        CentreLink.objects.create(
            centre=centre, kind="footer", label="Privacy notice", url="/contact/privacy/", order=2
        )
    home, created = HomePage.objects.get_or_create(
        pk=1, defaults={"status": "published", "headline": HEADLINE, "introduction": INTRODUCTION}
    )
    if created:
        for order, (title, text, url) in enumerate(CARDS):
            HomeCard.objects.create(home_page=home, title=title, text=text, url=url, order=order)


def grant_permissions(apps, schema_editor):
    app_config = apps.get_app_config("sitecontent")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Editors and publishers edit them; nobody adds or deletes the one record of each.
    permissions = Permission.objects.filter(content_type__app_label="sitecontent").exclude(
        codename__in=["add_centredetails", "delete_centredetails", "add_homepage", "delete_homepage"]
    )
    for group in Group.objects.filter(name__in=[CONTENT_EDITORS, PUBLISHERS]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("sitecontent", "0001_centre_details_and_home_page"),
        ("hsmc_site", "0003_publishers_view_search_log"),
    ]

    operations = [
        migrations.RunPython(write_defaults, migrations.RunPython.noop),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
    ]
