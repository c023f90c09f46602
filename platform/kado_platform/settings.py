"""Settings, read from the environment only (12-factor).

Production is the default: DEBUG off, secure cookies, HSTS. `DEBUG=1` turns on the
development mode that `make dev` and `make test` use. Without `DATABASE_URL` the
embedded PostgreSQL (see kado_platform.embedded_db) is started.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from kado_platform.core.observability import logging_config

REPO_ROOT = Path(__file__).resolve().parents[2]

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("KADO_TESTING", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-kado-federation")
else:
    SECRET_KEY = env.str("SECRET_KEY")

BASE_DOMAIN = env.str("KADO_BASE_DOMAIN", default="localhost").lower()
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}"]
# Trust X-Forwarded-Host only when the deployment's proxy sets it and says so.
USE_X_FORWARDED_HOST = env.bool("KADO_TRUST_X_FORWARDED_HOST", default=False)
if env.bool("KADO_BEHIND_TLS_PROXY", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SHARED_APPS = [
    # First, so that its `migrate` (which also migrates the region template) wins.
    "kado_platform.core",
    "django_tenants",
    "kado_platform.regions",
    "kado_platform.accounts",
    "kado_platform.audit",
    "kado_platform.demo",
    "kado_platform.federation",
    "kado_platform.billing",
    "django.contrib.postgres",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "graphene_django",
    "kado_graphql",
    # Login throttling: failed attempts are kept in the public schema.
    "axes",
    "kado_web",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    # The admin's change log lives with the region: its object names can be personal data.
    "django.contrib.admin",
    "kado_tenants.clients",
    "kado_tenants.workforce",
    "kado_tenants.orders",
    "kado_tenants.payouts",
    "kado_tenants.invoicing",
    "kado_tenants.deliverables",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "regions.Region"
TENANT_DOMAIN_MODEL = "regions.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New regions are cloned from this template schema instead of running every migration.
TENANT_BASE_SCHEMA = "region_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
PUBLIC_SCHEMA_URLCONF = "kado_platform.urls.hub"
ROOT_URLCONF = "kado_platform.urls.region"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# One `SET search_path` per connection and region instead of one before every query.
# django-tenants forgets the path it set on set_tenant (each request and task), on close,
# and on every rollback and savepoint rollback (which undo a SET made inside them), and no
# code of ours sets the path by hand; tests/platform_tests/test_search_path.py checks it.
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    # Load-balancer probes (/healthz, /readyz) send the task's IP as Host: answer them first.
    "kado_platform.core.health.HealthCheckMiddleware",
    "kado_platform.regions.middleware.RegionMiddleware",
    "kado_platform.core.observability.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kado_platform.accounts.middleware.SessionRegionMiddleware",
    "kado_platform.accounts.middleware.ApiTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lock-out page.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kado_web.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "kado_platform.wsgi.application"

if env.str("DATABASE_URL", default=""):
    _database = env.db_url("DATABASE_URL")
else:
    from kado_platform.embedded_db import database_url

    _database = environ.Env.db_url_config(database_url())
if "host" in _database.get("OPTIONS", {}):
    # A unix-socket URL (`postgresql://user@/db?host=/socket/dir`): Django wants it as HOST.
    _database["HOST"] = _database["OPTIONS"].pop("host")
_database["ENGINE"] = "django_tenants.postgresql_backend"
_database.setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
_database["CONN_HEALTH_CHECKS"] = True
if env.str("KADO_TEST_DATABASE", default=""):
    # Lets several test runs share one server without sharing a test database.
    _database["TEST"] = {"NAME": env.str("KADO_TEST_DATABASE")}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
_cache_keys = {
    # One key space per region: the same key under two regions never meets.
    "KEY_FUNCTION": "django_tenants.cache.make_key",
    "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kado",
            **_cache_keys,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kado",
            **_cache_keys,
        }
    }

# Background jobs (kado_platform.celery_app): SQS in AWS (`sqs://`), else Redis, else eager.
KADO_CELERY_BROKER_URL = env.str("KADO_CELERY_BROKER_URL", default="") or env.str(
    "CELERY_BROKER_URL", default=""
)
CELERY_BROKER_URL = KADO_CELERY_BROKER_URL or REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not (KADO_CELERY_BROKER_URL or REDIS_URL)
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("KADO_CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Acknowledged only when done; a task whose worker died is delivered again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "kado"
CELERY_TASK_TENANT_CACHE_SECONDS = 30
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than the longest task plus the longest retry wait (tasks.base: 600 s), or Redis/SQS
# hand an unacknowledged task (acks_late) to a second worker while the first still runs it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
if CELERY_BROKER_URL.startswith("sqs://"):
    # kombu's SQS transport (kombu[sqs]: boto3, and pycurl for receiving). `sqs://` alone
    # takes the task role's credentials; `sqs://KEY:SECRET@host:port` names an endpoint.
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {
            "region": env.str("AWS_REGION", default="")
            or env.str("AWS_DEFAULT_REGION", default="ap-northeast-1"),
            # Queues it makes itself are named <prefix><queue>: one set per environment.
            "queue_name_prefix": env.str(
                "KADO_SQS_QUEUE_PREFIX",
                default=f"kado-{env.str('KADO_ENVIRONMENT', default='development')}-",
            ),
            # Long polling: one ReceiveMessage waits up to this long for a message.
            "wait_time_seconds": env.int("KADO_SQS_WAIT_SECONDS", default=20),
            "is_secure": env.bool("KADO_SQS_IS_SECURE", default=True),
        }
    )
    if env.str("KADO_SQS_QUEUE_URL", default=""):
        # In AWS the queue is Terraform's (infra/terraform/sqs.tf), with its dead-letter
        # queue; the worker may use it but not make queues. kombu looks a predefined queue
        # up by its prefixed name.
        _sqs_queue = (
            CELERY_BROKER_TRANSPORT_OPTIONS["queue_name_prefix"] + CELERY_TASK_DEFAULT_QUEUE
        )
        CELERY_BROKER_TRANSPORT_OPTIONS["predefined_queues"] = {
            _sqs_queue: {"url": env.str("KADO_SQS_QUEUE_URL")}
        }
CELERY_TIMEZONE = "Asia/Tokyo"
CELERY_BEAT_SCHEDULE = {
    # The index check and the payout statements near their deadline, every night.
    "nightly-checks": {
        "task": "kado.nightly_checks",
        "schedule": crontab(hour=3, minute=15),
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out host + email + address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "kado_platform.accounts.backends.RegionAwareBackend",
]
# After AXES_FAILURE_LIMIT failed logins for one email on one host from one address, that
# login is locked for AXES_COOLOFF_TIME; a successful login resets the count.
AXES_ENABLED = env.bool("KADO_LOGIN_THROTTLE", default=True)
AXES_FAILURE_LIMIT = env.int("KADO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("KADO_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "kado_web.throttle.login_key"
AXES_LOCKOUT_TEMPLATE = "kado_web/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if DEBUG:
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Cookies stay on the host that set them: no shared cookie domain between regions.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("KADO_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("KADO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
CSRF_TRUSTED_ORIGINS = env.list("KADO_CSRF_TRUSTED_ORIGINS", default=[])

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [REPO_ROOT / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("KADO_STATIC_ROOT", default=REPO_ROOT / "staticfiles")
# In development whitenoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Sensitive worker data (要配慮個人情報) is encrypted with these keys; the first one
# encrypts, all of them decrypt, so a key can be rotated without losing old rows.
# In production the list is read from Secrets Manager at startup (kado_platform.core.keys);
# `kado keys reencrypt` moves old rows to the newest key after a rotation.
KADO_FIELD_ENCRYPTION_KEYS_SECRET_ARN = env.str("KADO_FIELD_ENCRYPTION_KEYS_SECRET_ARN", default="")
if KADO_FIELD_ENCRYPTION_KEYS_SECRET_ARN:
    from kado_platform.core.keys import keys_from_secrets_manager

    FIELD_ENCRYPTION_KEYS = keys_from_secrets_manager(
        KADO_FIELD_ENCRYPTION_KEYS_SECRET_ARN,
        region_name=env.str("AWS_REGION", default="ap-northeast-1"),
        endpoint_url=env.str("KADO_SECRETS_MANAGER_ENDPOINT_URL", default=""),
    )
else:
    FIELD_ENCRYPTION_KEYS = env.list(
        "KADO_FIELD_ENCRYPTION_KEYS",
        default=["ZGV2LW9ubHkta2V5LWthZG8tZmVkZXJhdGlvbi0wMDE="] if DEBUG else [],
    )

# Deliverables (files attached to orders). With KADO_S3_BUCKET set they live in S3 and
# are uploaded and downloaded through presigned URLs; without it, in a git-ignored folder,
# served only through the region host's permission-checked views.
KADO_S3_BUCKET = env.str("KADO_S3_BUCKET", default="")
KADO_S3_REGION = env.str("KADO_S3_REGION", default="ap-northeast-1")
KADO_S3_ENDPOINT_URL = env.str("KADO_S3_ENDPOINT_URL", default="")
KADO_S3_KMS_KEY_ID = env.str("KADO_S3_KMS_KEY_ID", default="")
KADO_DELIVERABLES_ROOT = env.path(
    "KADO_DELIVERABLES_ROOT", default=REPO_ROOT / ".data" / "deliverables"
)
# A presigned POST carries one object of at most 5 GiB (S3's limit for a single upload).
KADO_DELIVERABLE_MAX_BYTES = env.int("KADO_DELIVERABLE_MAX_BYTES", default=5 * 1024**3)
KADO_DELIVERABLE_URL_SECONDS = env.int("KADO_DELIVERABLE_URL_SECONDS", default=300)
# Accepted files by extension: annotation datasets, 3D map data, scanned paper forms.
KADO_DELIVERABLE_TYPES = {
    ".zip": ("application/zip", "application/x-zip-compressed"),
    ".tar": ("application/x-tar",),
    ".gz": ("application/gzip", "application/x-gzip"),
    ".tgz": ("application/gzip", "application/x-gzip"),
    ".las": ("application/octet-stream", "application/vnd.las"),
    ".laz": ("application/octet-stream", "application/vnd.laszip"),
    ".pdf": ("application/pdf",),
    ".png": ("image/png",),
    ".jpg": ("image/jpeg",),
    ".jpeg": ("image/jpeg",),
    ".tif": ("image/tiff",),
    ".tiff": ("image/tiff",),
    ".csv": ("text/csv",),
    ".json": ("application/json",),
}

GRAPHENE = {
    "SCHEMA": "kado_graphql.schema.region_schema",
    "ATOMIC_MUTATIONS": True,
}
GRAPHIQL_ENABLED = env.bool("KADO_GRAPHIQL", default=DEBUG)
# GraphQL protections (kado_graphql.core.limits); GraphiQL and introspection need DEBUG.
KADO_GRAPHQL_MAX_BODY_BYTES = env.int("KADO_GRAPHQL_MAX_BODY_BYTES", default=128 * 1024)
KADO_GRAPHQL_MAX_TOKENS = env.int("KADO_GRAPHQL_MAX_TOKENS", default=2000)
KADO_GRAPHQL_MAX_DEPTH = env.int("KADO_GRAPHQL_MAX_DEPTH", default=10)
KADO_GRAPHQL_MAX_ALIASES = env.int("KADO_GRAPHQL_MAX_ALIASES", default=20)
KADO_GRAPHQL_MAX_FIELD_REPEATS = env.int("KADO_GRAPHQL_MAX_FIELD_REPEATS", default=3)
KADO_GRAPHQL_MAX_DIRECTIVES = env.int("KADO_GRAPHQL_MAX_DIRECTIVES", default=20)
KADO_GRAPHQL_MAX_DIRECTIVES_PER_FIELD = env.int("KADO_GRAPHQL_MAX_DIRECTIVES_PER_FIELD", default=3)
KADO_GRAPHQL_MAX_MUTATIONS = env.int("KADO_GRAPHQL_MAX_MUTATIONS", default=1)
KADO_GRAPHQL_MAX_COST = env.int("KADO_GRAPHQL_MAX_COST", default=10000)
KADO_GRAPHQL_LIST_COST = env.int("KADO_GRAPHQL_LIST_COST", default=10)
# Requests per window (seconds) per API token or user, and per client IP when anonymous.
KADO_GRAPHQL_RATE_LIMIT = env.int("KADO_GRAPHQL_RATE_LIMIT", default=600)
KADO_GRAPHQL_RATE_LIMIT_ANONYMOUS = env.int("KADO_GRAPHQL_RATE_LIMIT_ANONYMOUS", default=120)
KADO_GRAPHQL_RATE_WINDOW = env.int("KADO_GRAPHQL_RATE_WINDOW", default=60)
# How many proxies in front append to X-Forwarded-For (0: use REMOTE_ADDR).
KADO_GRAPHQL_TRUSTED_PROXIES = env.int("KADO_GRAPHQL_TRUSTED_PROXIES", default=0)

# Stripe: invoices to clients are collected through Stripe Invoicing, and each partner
# region's platform fee through Stripe Billing. Unset = every Stripe feature refuses.
STRIPE_API_KEY = env.str("STRIPE_API_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_PLATFORM_PRICE_ID = env.str("STRIPE_PLATFORM_PRICE_ID", default="")

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"no-reply@{BASE_DOMAIN}")

# One JSON object per line in production (region and request id on each); text in development.
LOGGING = logging_config(
    log_format=env.str("LOG_FORMAT", default="text" if DEBUG else "json"),
    level=env.str("LOG_LEVEL", default="INFO"),
)

# Error reports, only when a DSN is configured; no personal data (kado_platform.core.sentry).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from kado_platform.core.sentry import default_release, init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("KADO_ENVIRONMENT", default="development" if DEBUG else "production"),
        release=env.str("KADO_RELEASE", default="") or default_release(REPO_ROOT),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
