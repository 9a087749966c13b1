"""Those who plan and publish programmes may view the demand report (counts only; nothing else to see)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen as they were at this migration (hsmc_site.roles).
STAFF_GROUPS = ["Content editors", "Publishers"]


def grant_demand(apps, schema_editor):
    app_config = apps.get_app_config("alerts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view_demand = Permission.objects.filter(content_type__app_label="alerts", codename="view_programmedemand")
    for group in Group.objects.filter(name__in=STAFF_GROUPS):
        group.permissions.add(*view_demand)


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        ("hsmc_site", "0003_publishers_view_search_log"),
    ]

    operations = [migrations.RunPython(grant_demand, migrations.RunPython.noop)]
