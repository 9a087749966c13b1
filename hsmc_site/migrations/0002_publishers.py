from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen as they were at this migration (hsmc_site.roles).
CONTENT_EDITORS = "Content editors"
PUBLISHERS = "Publishers"
CONTENT_APPS = ("organisations", "topics", "faculty", "workstreams", "programmes", "research")


def create_publishers(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so we can grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view_pending = Permission.objects.get(content_type__app_label="publishing", codename="view_pendingchange")
    publish = Permission.objects.get(content_type__app_label="publishing", codename="publish")

    for editors in Group.objects.filter(name=CONTENT_EDITORS):
        editors.permissions.add(view_pending)
    publishers, _ = Group.objects.get_or_create(name=PUBLISHERS)
    publishers.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=CONTENT_APPS), view_pending, publish
    )


def remove_publishers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=PUBLISHERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hsmc_site", "0001_staff_groups"),
        ("publishing", "0001_pending_changes"),
        ("programmes", "0004_stored_availability"),
        ("research", "0002_history_and_editor_help"),
        ("workstreams", "0002_history_and_editor_help"),
        ("faculty", "0002_history_and_editor_help"),
        ("topics", "0002_history_and_editor_help"),
        ("organisations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_publishers, remove_publishers)]
