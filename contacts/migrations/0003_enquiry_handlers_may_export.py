from django.contrib.auth.management import create_permissions
from django.db import migrations

ENQUIRY_HANDLERS = "Enquiry handlers"  # hsmc_site.roles.ENQUIRY_HANDLERS, frozen as it was at this migration


def grant_export(apps, schema_editor):
    # Permissions are normally created after all migrations; create the new one now so it can be granted.
    contacts = apps.get_app_config("contacts")
    contacts.models_module = True
    create_permissions(contacts, apps=apps, verbosity=0)
    contacts.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    export = Permission.objects.get(content_type__app_label="contacts", codename="export_enquiry")
    for group in Group.objects.filter(name=ENQUIRY_HANDLERS):
        group.permissions.add(export)


def revoke_export(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="contacts", codename="export_enquiry").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0002_notification_status_and_routing"),
        ("hsmc_site", "0001_staff_groups"),
    ]

    operations = [migrations.RunPython(grant_export, revoke_export)]
