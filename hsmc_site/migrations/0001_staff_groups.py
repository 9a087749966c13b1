from django.contrib.auth.management import create_permissions
from django.db import migrations

from hsmc_site.roles import CONTENT_APPS, CONTENT_EDITORS, ENQUIRY_HANDLERS, ENQUIRY_PERMISSIONS


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so we can grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    editors, _ = Group.objects.get_or_create(name=CONTENT_EDITORS)
    editors.permissions.add(*Permission.objects.filter(content_type__app_label__in=CONTENT_APPS))

    handlers, _ = Group.objects.get_or_create(name=ENQUIRY_HANDLERS)
    for app_label, codename in ENQUIRY_PERMISSIONS:
        handlers.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[CONTENT_EDITORS, ENQUIRY_HANDLERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisations", "0001_initial"),
        ("topics", "0001_initial"),
        ("faculty", "0001_initial"),
        ("workstreams", "0001_initial"),
        ("programmes", "0001_initial"),
        ("research", "0001_initial"),
        ("contacts", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
