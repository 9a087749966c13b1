from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen as they were at this migration (hsmc_site.roles).
CONTENT_EDITORS = "Content editors"
CONTENT_APPS = ("organisations", "topics", "faculty", "workstreams", "programmes", "research")


def grant_content_permissions(apps, schema_editor):
    """Give Content editors the permissions of the history models added in the 0002 migrations."""
    # Permissions are normally created after all migrations; create the new ones now to grant them.
    for app_label in CONTENT_APPS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label__in=CONTENT_APPS)
    for group in Group.objects.filter(name=CONTENT_EDITORS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("hsmc_site", "0001_staff_groups"),
        ("organisations", "0001_initial"),
        ("topics", "0002_history_and_editor_help"),
        ("faculty", "0002_history_and_editor_help"),
        ("workstreams", "0002_history_and_editor_help"),
        ("programmes", "0002_history_and_editor_help"),
        ("research", "0002_history_and_editor_help"),
    ]

    # Reversing leaves the grants: the permissions disappear with their models anyway.
    operations = [migrations.RunPython(grant_content_permissions, migrations.RunPython.noop)]
