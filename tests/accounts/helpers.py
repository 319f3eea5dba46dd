"""What a refused change to accounts or roles must leave untouched."""

from django.contrib.auth.models import Group

from accounts.models import ApiKey, User


def accounts_snapshot() -> dict:
    """Every account's fields (password hash and flags included), the roles, every grant, the keys."""
    return {
        "users": list(User.objects.order_by("pk").values()),
        "user_groups": list(User.groups.through.objects.order_by("pk").values_list("user_id", "group_id")),
        "user_permissions": list(User.user_permissions.through.objects.order_by("pk")
                                 .values_list("user_id", "permission_id")),
        "groups": list(Group.objects.order_by("pk").values()),
        "group_permissions": list(Group.permissions.through.objects.order_by("pk")
                                  .values_list("group_id", "permission_id")),
        "api_keys": list(ApiKey.objects.order_by("pk").values()),
        "history": (User.history.count(), Group.history.count(), ApiKey.history.count()),
    }
