"""One settings module for every environment, driven by environment variables.

Production is the default (DEBUG off) and needs SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and
REDIS_URL. Development (DEBUG=1, as `make run` and `make test` set it): SQLite under var/,
Celery tasks run eagerly, a development key, local host names.
The README lists every variable; https://django-environ.readthedocs.io/ for the URL forms.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A developer's .env fills in what the real environment leaves unset (it never overrides).
# ENV_FILE points elsewhere; ENV_FILE= (empty) reads none, which the settings tests rely on.
ENV_FILE = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    environ.Env.read_env(ENV_FILE)

# --- Core ----------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
# Off unless set: a forgotten variable must give a hardened site, never a debug one.
# `make run` and `make test` set DEBUG=1 in their own command lines.
DEBUG = env.bool("DEBUG", default=False)

# What production cannot run without. Development has an embedded value for each (below);
# with DEBUG off none falls back to it, and start-up stops naming every one that is missing.
# DATABASE_URL and REDIS_URL are among them: the embedded SQLite file has none of the
# PostgreSQL guards (docs/adr/0006), and without Redis the cache, the quotas and Celery
# would each live in one process.
REQUIRED_IN_PRODUCTION = {
    "SECRET_KEY": "50+ random characters: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
    "ALLOWED_HOSTS": "the host names the site answers to, e.g. factors.example.gov.cn",
    "DATABASE_URL": "the PostgreSQL database, e.g. postgres://user:password@host:5432/factordb",
    "REDIS_URL": "Redis for the cache, the quotas and Celery, e.g. redis://host:6379/0",
}
if not DEBUG:
    _missing = [name for name in REQUIRED_IN_PRODUCTION if not env.str(name, default="").strip()]
    if _missing:
        raise ImproperlyConfigured(
            "DEBUG is off (production) and these environment variables are not set: "
            + "; ".join(f"{name} ({REQUIRED_IN_PRODUCTION[name]})" for name in _missing)
            + ". Set them, or set DEBUG=1 for development."
        )

# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
# The development key is reached only with DEBUG on (checked above).
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")

# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    # Swagger UI served from our own static files: /api/v1/docs/ works offline.
    "drf_spectacular_sidecar",
    "corsheaders",
    # Its system checks (a policy configured the pre-4.0 way is an error).
    "csp",
    "django_guid",
    "simple_history",
    "axes",
    # The second factor of staff sign-in (docs/adr/0038): TOTP apps, recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "factordb",
    "api",
]

MIDDLEWARE = [
    # First of all: every log line of the request, the middleware's own included, carries its id.
    "django_guid.middleware.guid_middleware",
    # Which database this request's reads go to: the public's reads to a replica that is fresh.
    "factordb.replicas.ReplicaReadsMiddleware",
    # Outermost, around django-cors-headers: a preflight from an origin it does not allow is a
    # 403 in the error shape, not a bare 200 a browser must interpret (api/cors.py).
    "api.cors.RefuseForeignPreflightMiddleware",
    # Outside everything else, so every /api/ answer, errors included, carries the CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    # Every /api/ error answer in one JSON shape, Django's debug pages included.
    "api.exceptions.ApiErrorShapeMiddleware",
    # Before any view or query: PostgreSQL refuses text holding a NUL (factordb/nul_characters.py).
    "factordb.nul_characters.RefuseNulCharactersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Around whitenoise, which answers static files itself: they carry the policy too (an SVG
    # opened on its own is a document). CONTENT_SECURITY_POLICY below.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # /api/ in the language the client asks for (Accept-Language), which the line above ignores.
    "api.language.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag from the body and 304 answers, for GET and HEAD.
    "api.caching.ConditionalGetMiddleware",
    # What a proxy or CDN may keep: anonymous reads for PUBLIC_CACHE_SECONDS, nothing else.
    "factordb.cache_control.CacheControlMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether the session passed the second factor (user.is_verified()); then staff pages wait
    # for it (accounts/middleware.py, docs/adr/0038).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The database or the cache not answering: a 503 page, not a 500 (factordb/unavailable.py).
    "factordb.unavailable.UnavailableMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factordb.urls"
WSGI_APPLICATION = "factordb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
# The embedded SQLite file is development's only (REQUIRED_IN_PRODUCTION).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: begin every transaction as a writer, so it waits (up to
    # SQLITE_TIMEOUT seconds) instead of failing with "database is locked" when it first writes.
    # https://docs.djangoproject.com/en/5.2/ref/databases/#database-is-locked-errors
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": env.int("SQLITE_TIMEOUT", default=20)})
elif env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
    # Parameters bound on the server and a query prepared after five uses on a connection: a
    # repeated read skips PostgreSQL's planning (docs/adr/0019). Off behind a connection
    # pooler in transaction mode, which cannot keep a connection's prepared statements.
    # https://docs.djangoproject.com/en/5.2/ref/databases/#server-side-parameters-binding
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5})
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails a request within seconds (a 503,
    # factordb/unavailable.py) rather than holding it until the client gives up.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# Read replicas (PostgreSQL streaming replication, docs/replication.md): the public's reads of
# the published data go to them, everything else to the primary (factordb/replicas.py). In
# tests a replica is the test database's mirror.
DATABASE_REPLICAS: list[str] = []
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    _replica = env.db_url_config(_url)
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or \
            _replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS: read replicas are PostgreSQL standbys of a "
                                   "PostgreSQL primary")
    _replica.update({name: DATABASES["default"][name]
                     for name in ("ATOMIC_REQUESTS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")})
    _replica["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **_replica.get("OPTIONS", {})}
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["factordb.replicas.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "review:assignments"
LOGOUT_REDIRECT_URL = "home"

# https://docs.djangoproject.com/en/5.2/ref/settings/#auth-password-validators
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ------------------------------------------------------------
# Chinese is the working language of the ministry; English for international users.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "factordb" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files (whitenoise) -------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# --- Redis: cache and Celery ---------------------------------------------------------
# Empty only in development (REQUIRED_IN_PRODUCTION): a per-process cache and eager tasks.
REDIS_URL = env.str("REDIS_URL", default="")
# When Redis does not answer, a cache operation gives up within half a second and reads as a
# miss (IGNORE_EXCEPTIONS): the API and the pages answer from the database, quotas let requests
# through, nothing is kept; what needs Redis to be true (announcing a public write) refuses
# instead (factordb/generation.py). /readyz names the cache down meanwhile.
REDIS_CACHE_OPTIONS = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
if REDIS_URL:
    # django-redis rather than Django's own RedisCache: it keeps one redis-py client per
    # process where Django's builds one for every call, and its `incr`, which counts every
    # quota, is one atomic round trip where Django's asks EXISTS first (ADR 0028).
    # https://github.com/jazzband/django-redis#configure-as-cache-backend
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": REDIS_CACHE_OPTIONS}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# Without Redis the tasks run in-process (eagerly), so `make run` needs no server.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="factordb")
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died (killed, out of memory) goes back to the queue instead of
# being acknowledged as done: with acks_late, a lost worker's task runs again, and the tasks
# are written to run twice harmlessly (an import writes once, a webhook delivery has a lease).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# How long a task a worker took stays invisible to the others: if the whole worker dies, the
# next worker takes the task again after this long, so it must exceed the longest task (an
# import of 100,000 rows: about a minute). The drill sets a few seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker that starts before Redis keeps retrying instead of exiting (compose starts both).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Beat probes the platform every few minutes, so a dead database or cache shows up in
# the worker log before a user notices it.
CELERY_BEAT_SCHEDULE = {
    "platform-health": {
        "task": "factordb.platform_health",
        "schedule": env.int("HEALTH_CHECK_INTERVAL", default=300),
    },
    # Scheduled publications go out within a minute of their time.
    "publish-due-versions": {
        "task": "factordb.publish_due_versions",
        "schedule": env.int("PUBLISH_DUE_INTERVAL", default=60),
    },
    # Webhook deliveries due (retries, and any whose task was lost with a worker): docs/webhooks.md.
    "deliver-due-webhooks": {
        "task": "factordb.deliver_due_webhooks",
        "schedule": env.int("WEBHOOK_SWEEP_INTERVAL", default=30),
    },
}

# --- Read API (Django REST framework) -----------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication",
                                       "rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # DRF's JSON, written by orjson (api/renderers.py, docs/adr/0033).
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer",
                                 "rest_framework.renderers.BrowsableAPIRenderer"],
    # DRF's defaults, with a JSON parser that refuses bodies nested too deep (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.error_handler",
    # Rates: API_ANON_RATE and API_KEY_RATES below, read by the throttles at request time.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.AnonymousThrottle", "api.throttles.ApiKeyThrottle"],
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Seconds a read answer stays in the cache; any write the public can read renews the key
# it is kept under (factordb.generation), so this bounds memory, not staleness.
API_CACHE_SECONDS = env.int("API_CACHE_SECONDS", default=3600)
# How long a proxy or CDN may keep an anonymous answer (factordb/cache_control.py): the longest
# a withdrawn factor can still be served by one. 0: no shared cache keeps any answer.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=60)
# After a publication, the most asked answers are worked out again in the background: how
# many, and one in how many requests is noted to tell which (api/answer_warmup.py). 0: none.
API_WARM_ANSWERS = env.int("API_WARM_ANSWERS", default=200)
API_ASKED_SAMPLE = env.int("API_ASKED_SAMPLE", default=16)
# Quotas: anonymous clients by address, calculators' keys by tier.
API_ANON_RATE = env.str("API_ANON_RATE", default="120/min")
THROTTLE_NAMESPACE = env.str("THROTTLE_NAMESPACE", default="")
API_KEY_RATES = {
    "standard": env.str("API_KEY_RATE", default="1200/min"),
    "partner": env.str("API_KEY_PARTNER_RATE", default="6000/min"),
}
# --- Abuse: client addresses, sign-in lockout, API-key guessing ---------------------
# Proxies of our own in front of the site, each appending to X-Forwarded-For; the client is
# the entry that many hops from the right (factordb.client_address). 0: the socket address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Refused API keys one address may present per window (seconds) before its key attempts,
# valid keys included, answer 429 until the window ends (accounts.services).
API_KEY_FAILURE_LIMIT = env.int("API_KEY_FAILURE_LIMIT", default=10)
API_KEY_FAILURE_WINDOW = env.int("API_KEY_FAILURE_WINDOW", default=600)
# Sign-in lockout (django-axes, docs/adr/0011): a user name is locked out from one client
# address after this many failed sign-ins, for this long. By name *and* address, so that
# nobody can lock a colleague out from elsewhere. https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_COOL_OFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "factordb.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Its attempt logs are not audited models: no admin pages (every admin page keeps history);
# `manage.py axes_reset_username NAME` lifts a lockout before its cool-off ends.
AXES_ENABLE_ADMIN = False

# The second factor of staff (django-otp, docs/adr/0038). After each wrong code a device
# refuses every code for FACTOR × 2^(failures−1) seconds.
# https://django-otp-official.readthedocs.io/en/stable/overview.html#settings
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "国家产品碳足迹因子数据库"
# The admin shows no device's secret or QR code: a device is enrolled by its owner only.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "National carbon footprint factor database — read API",
    "DESCRIPTION": (
        "Published, expert-reviewed emission factors (GB/T 24067-2024, ISO 14067, IPCC 2006) for "
        "carbon footprint calculators. Only published data is served. Amounts are decimal strings. "
        "Answers, including those of resolve/ and calculate/ to the same body, are kept until the "
        "published data changes; send `Cache-Control: no-cache` to have one worked out afresh."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request and response shapes apart, as client generators want them (read-only fields,
    # required answers); api.schema.client_names then drops the "Request" suffix where no
    # response shape of the same name exists.
    "COMPONENT_SPLIT_REQUEST": True,
    # Each enumeration named as a client would: by what it classifies, not by the field.
    "ENUM_NAME_OVERRIDES": {
        "Dimension": "factordb.units.DIMENSION_CHOICES",
        "RegionKind": "factordb.constants.RegionKind",
        "GasOrigin": "factordb.constants.GasOrigin",
        "VersionStatus": "factordb.constants.FactorStatus",
        # factordb.services.release_contents.ADDED, CHANGED, WITHDRAWN (settings import no services).
        "ReleaseDiffChange": ["added", "changed", "withdrawn"],
        # factordb.services.fallback_policy.ORDERS and FALLBACKS.
        "FallbackOrder": ["region_first", "year_first"],
        "FallbackKind": ["region", "year"],
    },
    # Bodies are documented as JSON only: resolve/ and calculate/ nest lists and objects, which
    # a form cannot carry (DRF still parses one); three body types of one shape also made the
    # generated client's code fail to import.
    "PARSER_WHITELIST": ["api.parsers.BoundedJSONParser"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.client_names"],
    # Swagger UI from the static files of drf-spectacular-sidecar, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# --- CORS: browser-based calculators on other sites (django-cors-headers) ----------------
# https://github.com/adamchainz/django-cors-headers#configuration
# Only the read API, for the origins listed, without credentials: a page elsewhere may read
# published data (with its API key in a header), never act with a visitor's session.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
CORS_ALLOW_HEADERS = ["accept", "authorization", "cache-control", "content-type", "if-none-match",
                      "x-api-key"]
# What a calculator's script may read of an answer besides the simple headers.
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "X-Checksum-SHA256", "X-Request-ID"]

# --- Review workflow -----------------------------------------------------------------
# Approvals from distinct, independent reviewers a version needs before it can be published.
REVIEW_REQUIRED_APPROVALS = env.int("REVIEW_REQUIRED_APPROVALS", default=2)

# --- Webhooks (docs/webhooks.md, docs/adr/0027) --------------------------------------
# Plain http and loopback receivers: development and tests only. Production sends to public
# https addresses and nothing else.
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=DEBUG)
# Seconds to connect and to read each answer; the registration ping waits as long.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# A failed attempt is tried again after WEBHOOK_RETRY_BASE_SECONDS, doubled each time, at most
# WEBHOOK_RETRY_MAX_SECONDS apart; after WEBHOOK_MAX_ATTEMPTS the delivery has failed (staff can replay it).
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=60)
WEBHOOK_RETRY_MAX_SECONDS = env.int("WEBHOOK_RETRY_MAX_SECONDS", default=6 * 3600)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=12)
# An endpoint that failed this many attempts in a row, over at least this many seconds, is
# disabled and its key's contact told.
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=20)
WEBHOOK_DISABLE_AFTER_SECONDS = env.int("WEBHOOK_DISABLE_AFTER_SECONDS", default=3 * 86400)

# --- Email ---------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="factordb@localhost")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Security (all on when DEBUG is off) ---------------------------------------------
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The probes (factordb/views/health.py) are asked over plain HTTP by the orchestrator, inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Each can be switched off for a trial over plain HTTP (docker/compose.yaml on localhost).
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Enforced on every answer, pages, admin, API docs and API alike (docs/adr/0037): scripts,
# styles, images and fonts from this site's own files only; nothing inline (no <script> without
# src, no <style>, no style= or on…= attribute), no eval, no plugins, no framing.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the icons Swagger UI draws as data: images (its script sets them); an image
        # runs nothing.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Audit history -------------------------------------------------------------------
# History is evidence: nobody reverts it from the admin, superusers included.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Logging -------------------------------------------------------------------------
# Every line carries the request's id (django-guid): the X-Request-ID a proxy sent, if it is a
# UUID, else a new one; answered in the same header, and in the body of a server error, so a
# calculator's report can be found in the logs. Tasks a request starts log under its id.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,  # anything but a UUID is replaced: no forged text in the logs
    # django-cors-headers exposes it with the others (CORS_EXPOSE_HEADERS); django-guid's own
    # Access-Control-Expose-Headers would replace that list with its one header.
    "EXPOSE_HEADER": False,
    # The id travels in the task's headers to a worker. Tasks run eagerly run inside the request
    # and log under its id as they are; the integration would give them a new one, and clear
    # the request's when they end.
    "INTEGRATIONS": [] if CELERY_TASK_ALWAYS_EAGER else [CeleryIntegration(use_django_logging=True)],
}
# JSON lines for a log collector in production; plain lines for a person in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId",
                               "correlation_id_field": "request_id"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-guid says at INFO that it set and cleared each id: two lines a request, no news.
    "loggers": {"django_guid": {"level": "WARNING"}},
}
