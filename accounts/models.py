from django.contrib.auth.models import AbstractUser
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person working on the platform: ministry staff, outside experts, administrators.

    A project-owned user model from day one, so roles and API keys can grow here without
    the migration pain of swapping Django's default later.
    """

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
