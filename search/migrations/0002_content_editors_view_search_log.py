from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen as they are at this migration (hsmc_site.roles).
CONTENT_EDITORS = "Content editors"
PERMISSION = ("search", "view_loggedsearch")


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; create this app's now so we can grant them.
    app_config = apps.get_app_config("search")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = PERMISSION
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    for editors in Group.objects.filter(name=CONTENT_EDITORS):
        editors.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = PERMISSION
    for permission in Permission.objects.filter(content_type__app_label=app_label, codename=codename):
        for editors in Group.objects.filter(name=CONTENT_EDITORS):
            editors.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("hsmc_site", "0001_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
