"""WSGI entry point for gunicorn."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factordb.settings")

application = get_wsgi_application()

# Everything loaded so far (Django, the URL conf, the apps) lives as long as the process:
# out of the collector's sight, a request that builds many objects (a 5,000-key batch)
# does not pay for re-scanning it at every collection.
gc.freeze()
