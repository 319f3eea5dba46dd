"""Celery application: broker and result backend come from REDIS_URL via settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factordb.settings")

app = Celery("factordb")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
