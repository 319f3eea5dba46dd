"""Issuing and revoking calculators' API keys become permissions of their own, held by the
admin role (superusers hold every permission); before, any staff member could do both."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_ROLE = "admin"
API_KEY_PERMISSIONS = ["add_apikey", "view_apikey", "revoke_apikey"]


def grant_to_admin_role(apps, schema_editor):
    # Permissions are normally made after all migrations; the grant needs them now.
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    role, _ = Group.objects.get_or_create(name=ADMIN_ROLE)
    role.permissions.add(*Permission.objects.filter(content_type__app_label="accounts",
                                                    codename__in=API_KEY_PERMISSIONS))


def take_from_admin_role(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in Group.objects.filter(name=ADMIN_ROLE):
        role.permissions.remove(*Permission.objects.filter(content_type__app_label="accounts",
                                                           codename__in=API_KEY_PERMISSIONS))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_role_history"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="apikey",
            options={"ordering": ["-created_at"], "permissions": [("revoke_apikey", "可以吊销 API 密钥")],
                     "verbose_name": "API 密钥", "verbose_name_plural": "API 密钥"},
        ),
        migrations.RunPython(grant_to_admin_role, take_from_admin_role),
    ]
