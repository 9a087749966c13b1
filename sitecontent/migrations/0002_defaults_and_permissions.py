"""The first records, from the settings and the words the templates had, and who may edit them."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

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
# The notice as publishing.centre.default_privacy_notice() wrote it when this migration was made.
PRIVACY_NOTICE = (
    "<h2>Who we are</h2>"
    "<p>The {name} ({short}) is part of the University of Birmingham, which is the data controller for the "
    "information you send us. {address}.</p>"
    "<h2>What we collect</h2>"
    "<p>What you type into the form: your name, e-mail address, organisation, job title or role, telephone "
    "number if you give one, what your enquiry is about, the programme or area of work you choose, the cohort "
    "size and timing for a commissioning enquiry, and your message. We also record when you sent it.</p>"
    "<p>To protect the form from automated spam we count how often an enquiry is sent from each internet "
    "address, for a few minutes at a time. We keep only a scrambled form of the address, never with your "
    "enquiry.</p>"
    "<h2>Why we use it</h2>"
    "<p>Only to answer your enquiry and, if you go on to work with us, to arrange what you asked about. Our "
    "lawful basis is your consent, which you give by ticking the box on the form, and our legitimate interest "
    "in answering the people who contact us. We do not use your details for marketing and we never sell or "
    "share them outside the university.</p>"
    "<h2>Who sees it</h2>"
    "<p>The staff your enquiry is routed to (the programme's leads or the key contacts for the area of work, "
    "or our enquiries team), and the small group of staff who manage enquiries. Our e-mail and hosting "
    "providers process it on our behalf under contract.</p>"
    "<h2>Your rights</h2>"
    "<p>You can ask for a copy of the information we hold about you, ask us to correct it, or ask us to "
    "delete it sooner, at any time. You can also withdraw your consent. E-mail "
    '<a href="mailto:{email}">{email}</a> and quote your enquiry reference if you have it.</p>'
    "<p>If you are unhappy with how we have handled your information you can complain to the Information "
    'Commissioner\'s Office at <a href="https://ico.org.uk/make-a-complaint/">ico.org.uk</a>.</p>'
)


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
            "privacy_notice": PRIVACY_NOTICE.format(
                name=settings.SITE_NAME,
                short=settings.SITE_SHORT_NAME,
                address=settings.CENTRE_ADDRESS,
                email=settings.CENTRE_EMAIL,
            ),
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
