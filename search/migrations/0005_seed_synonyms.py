from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen as they are at this migration (hsmc_site.roles).
CONTENT_EDITORS = "Content editors"
CODENAMES = ["view_synonym", "add_synonym", "change_synonym", "delete_synonym"]

# Only what the centre's own page states (shared/seed/leadership-and-management.txt): "Health Education
# England in the West Midlands (HEEWM)". Staff add the rest in the admin.
SEED = [("heewm", "Health Education England in the West Midlands")]


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, meaning in SEED:
        Synonym.objects.get_or_create(term=term, meaning=meaning)

    # Permissions are normally created after all migrations; create this app's now so we can grant them.
    app_config = apps.get_app_config("search")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="search", codename__in=CODENAMES)
    for editors in Group.objects.filter(name=CONTENT_EDITORS):
        editors.permissions.add(*permissions)


def unseed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, meaning in SEED:
        Synonym.objects.filter(term=term, meaning=meaning).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_synonyms_and_sqlite_full_text"),
        ("hsmc_site", "0001_staff_groups"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
