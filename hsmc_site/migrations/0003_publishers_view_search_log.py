from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen as they are at this migration (hsmc_site.roles).
CONTENT_EDITORS = "Content editors"
PUBLISHERS = "Publishers"


def grant_search_log(apps, schema_editor):
    """Both editing groups read the search log: its searches that found nothing are on their dashboard."""
    app_config = apps.get_app_config("search")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view_log = Permission.objects.get(content_type__app_label="search", codename="view_loggedsearch")
    for group in Group.objects.filter(name__in=[CONTENT_EDITORS, PUBLISHERS]):
        group.permissions.add(view_log)


def revoke_from_publishers(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=PUBLISHERS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="search", codename="view_loggedsearch"))


class Migration(migrations.Migration):
    dependencies = [
        ("hsmc_site", "0002_publishers"),
        ("search", "0002_content_editors_view_search_log"),
    ]

    operations = [migrations.RunPython(grant_search_log, revoke_from_publishers)]
