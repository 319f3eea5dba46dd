"""The four roles as groups, with the model permissions each needs in the admin.

The workflow rules themselves are checked in factordb.services, not by these permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITABLE = ["factor", "factorversion", "gasamount", "versionsource", "source"]
REFERENCE = ["category", "region", "unit", "gas", "gwpset", "gwpvalue", "dataset"]
ALL = EDITABLE + REFERENCE + ["release"]

ROLE_PERMISSIONS = {
    "editor": [f"{action}_{model}" for model in EDITABLE for action in ("add", "change", "view")]
    + [f"view_{model}" for model in REFERENCE + ["release"]],
    "reviewer": [f"view_{model}" for model in ALL],
    "approver": [f"view_{model}" for model in ALL] + ["change_release", "add_release"],
    "admin": [f"{action}_{model}" for model in ALL for action in ("add", "change", "view")]
    + ["add_user", "change_user", "view_user", "view_group"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(codename__in=codenames))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("factordb", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
