"""Settings for PLATFORMAwards, read from the environment through one `env` object.

Local defaults are safe for a laptop (SQLite file, mail on the console, Celery tasks run
in-process); production sets DJANGO_DEBUG=0 and the values listed in `.env.example`.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


class Env(environ.Env):
    # One line per message on the console, for a site run locally (notifications/backends.py).
    EMAIL_SCHEMES = {
        **environ.Env.EMAIL_SCHEMES,
        "onelinemail": "notifications.backends.OneLineConsoleBackend",
    }


env = Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

_LOCAL_SECRET_KEY = "local-only-key-never-used-when-DJANGO_DEBUG-is-off"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_LOCAL_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")


def _local_hosts(site_url: str) -> list[str]:
    """The host names a site run locally answers to: loopback, and the host of its own address
    (`make demo HOST=...`), so that the links in its mails open."""
    hosts = ["127.0.0.1", "localhost", "[::1]"]
    name = urlsplit(site_url).hostname or ""
    host = f"[{name}]" if ":" in name else name
    return [*hosts, host] if host and host not in hosts else hosts


ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=_local_hosts(SITE_URL) if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

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
    "rules.apps.AutodiscoverRulesConfig",
    "django_fsm",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_countries",
    "axes",
    "csp",
    "ninja",
    "accounts",
    "awards",
    "jury",
    "showcase",
    "notifications",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so that static files carry the Permissions-Policy too.
    "core.headers.HeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CsrfViewMiddleware, which reads (and so spools to disk) the whole body.
    "core.limits.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last so that it sees every failed sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The local default shared by the site and its worker: a write-ahead log lets one write
    # while others read, and a commit waits for the log, not for the disk, each time.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
    )
# Served, each worker keeps its connection a minute (checked before reuse) rather than opening
# one a request, which cost the public pages most of their time (bench/public.py).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.ModelPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Repeated failed sign-ins lock the (email, address) pair out for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.lockout.username_for_lockout"
AXES_CLIENT_IP_CALLABLE = "core.clients.client_address"

# How many reverse proxies stand in front of the site, each appending to X-Forwarded-For
# (core/clients.py): 0 reads REMOTE_ADDR. Behind a proxy left at 0, everyone shares the
# proxy's address and anyone can lock anyone out. AXES_PROXY_COUNT is its former name.
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))
if PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_PROXY_COUNT must be 0 (no proxy) or more.")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end libraries come from the npm registry (package.json), never from a CDN.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
# How large a request may be. The largest page of an entry an edition can set up (20 questions
# of 5,000 words, 60,000 characters each) posts under 2 MB url-encoded, even in a language with
# many accented letters; every other page far less. A route that takes a file (the entry's
# attachments) accepts the edition's attachment limit plus UPLOAD_FORM_OVERHEAD_BYTES instead
# (core.limits). The proxy in front caps bodies too (README).
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=3 * 1024 * 1024)
UPLOAD_FORM_OVERHEAD_BYTES = 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
# The largest form, an entry's 50 partners of 8 fields each, posts about 410 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 600
# No form of ours takes more than one file at a time.
DATA_UPLOAD_MAX_NUMBER_FILES = 1
# Files up to this size are held in memory while checked; larger ones in a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    # First: stops a file at its route's limit, and refuses files where none is expected.
    "core.limits.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# A PDF's budget (awards.pdf): rendering stops after this many seconds, under gunicorn's worker
# timeout (gunicorn.conf.py); the HTML of the longest entry an edition can set up renders in a
# few seconds. Beyond either limit, or the size, the person is told and offered the page.
PDF_RENDER_SECONDS = env.int("PDF_RENDER_SECONDS", default=20)
PDF_MAX_HTML_CHARS = 2_000_000
PDF_MAX_BYTES = 20 * 1024 * 1024

# The programme's seal on every certificate (awards.certificates): a PKCS#12 file with its
# password. `python manage.py create_seal` makes a self-signed one at this path for the demo
# and tests; production names the programme's own.
CERTIFICATE_SEAL_FILE = env.path("CERTIFICATE_SEAL_FILE", default=BASE_DIR / "var" / "seal.p12")
CERTIFICATE_SEAL_PASSWORD = env.str("CERTIFICATE_SEAL_PASSWORD", default="")
CERTIFICATE_SEAL_REASON = "PLATFORMAwards certificate"
# The Ed25519 key (a private JWK) that signs the Open Badges credentials (awards.credentials);
# create_seal makes one here too. Its public part is published at /certificates/jwks.json.
CREDENTIAL_KEY_FILE = env.path(
    "CREDENTIAL_KEY_FILE", default=BASE_DIR / "var" / "credential-key.jwk"
)
CREDENTIAL_ISSUER_NAME = env.str("CREDENTIAL_ISSUER_NAME", default="PLATFORMA — PLATFORMAwards")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Locally static files are served straight from their sources; in production from STATIC_ROOT.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PLATFORMAwards <awards@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker configured (the demo, most tests) tasks run in-process.
# The cache the public pages keep their rendered parts in (showcase/cache.py): Redis in
# production (CACHE_URL=redis://redis:6379/1), each process's own memory by default.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# A task that cannot reach the broker is left to the sweepers (the outbox's, the
# certificates') after one attempt, not retried for 0.6 s: a publication hands over a mail
# for every entrant, and with the broker down its request would outlast gunicorn's timeout.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# Nothing inline and nothing from elsewhere: scripts and styles are our own static files, so an
# injected <script> or style= is refused by the browser. Images may be data: URLs (Bootstrap's
# icons are). The outbox's mail preview has a narrower policy of its own (notifications.views).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# Powerful browser features the site never uses, switched off for it and anything it embeds.
# Only features Chromium recognises: an unknown name is a warning in every page's console.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
    # /healthz is probed over plain HTTP by the load balancer and the container runtime.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every render at INFO.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Tasks run in-process say nothing a caller waiting for them does not know already;
        # a failure is still logged (and raised).
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}
