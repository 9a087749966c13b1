"""The privacy notice gains what it must say about e-mail alerts (issue 20), in the record editors keep.

The text is frozen here as it was written for this migration, not imported: later edits to the default
must not rewrite history. A notice that already has the section (a fresh database, whose first record
came from the current default) or that editors have rewritten to cover alerts is left alone.
"""

from django.db import migrations

HEADING = "<h2>E-mail alerts</h2>"
SECTION = (
    "<h2>E-mail alerts</h2>"
    "<p>If you ask us to e-mail you when applications open, we keep only your e-mail address, what you asked to "
    "follow (a programme, an area of work or a search of our programmes) and when you asked, confirmed and were "
    "last sent an alert. We use it only to send you those alerts, at most one e-mail a day, and only once you "
    "have confirmed the request from the e-mail we send you: that confirmation is your consent. Staff see how "
    "many people are waiting to hear about each programme, never who they are.</p>"
    "<p>Every alert has a link to unsubscribe with one click, which deletes your address straight away.</p>"
)
BEFORE = "<h2>Your rights</h2>"


def add_alerts_section(apps, schema_editor):
    CentreDetails = apps.get_model("sitecontent", "CentreDetails")
    for centre in CentreDetails.objects.all():
        notice = centre.privacy_notice
        if HEADING in notice:
            continue
        if BEFORE in notice:
            notice = notice.replace(BEFORE, SECTION + BEFORE, 1)
        else:
            notice += SECTION
        CentreDetails.objects.filter(pk=centre.pk).update(privacy_notice=notice)


def remove_alerts_section(apps, schema_editor):
    CentreDetails = apps.get_model("sitecontent", "CentreDetails")
    for centre in CentreDetails.objects.filter(privacy_notice__contains=SECTION):
        CentreDetails.objects.filter(pk=centre.pk).update(privacy_notice=centre.privacy_notice.replace(SECTION, ""))


class Migration(migrations.Migration):
    dependencies = [("sitecontent", "0004_postcode_and_awarding_body")]

    operations = [migrations.RunPython(add_alerts_section, remove_alerts_section)]
