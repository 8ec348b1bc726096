"""Vitrine's one settings module: every deployment differs only by environment.

The variables are listed, with their defaults, in README.md.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portfolio.core import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env.get_path("VITRINE_VAR_DIR", BASE_DIR / "var")

DEBUG = env.get_bool("DJANGO_DEBUG", False)
SECRET_KEY = env.get_secret_key("DJANGO_SECRET_KEY", keep_in=VAR_DIR / "secret_key")
ALLOWED_HOSTS = env.get_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
SITE_URL = env.get_url("SITE_URL", "http://127.0.0.1:8000", {"http", "https"}).rstrip("/")
SITE_NAME = env.get_str("SITE_NAME", "Vitrine") or "Vitrine"
CSRF_TRUSTED_ORIGINS = env.get_list("DJANGO_CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "portfolio.apps.VitrineAdminConfig",  # django.contrib.admin, with our dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "imagekit",
    "content_editor",
    "django_prose_editor",
    "comments.apps.CommentLibraryConfig",  # django-comments-xtd, renamed in the admin
    "comments.apps.CommentFlagsConfig",  # django_comments, named in the admin
    # Emails leave the request (portfolio/core/outbox.py): the tasks framework and its
    # database queue, before portfolio.core, whose admin replaces the queue's own.
    "django_tasks",
    "django_tasks_db",
    "portfolio.core",
    "portfolio.core.stats",
    "portfolio",
    "portfolio.importers",
    "blog",
    "comments",
    "axes",
    # The admin's second factor (portfolio/core/second_factor.py) and its revisions.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "reversion",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "portfolio.core.security.CrossOriginResourcePolicyMiddleware",
    "portfolio.core.security.StaticFilesMiddleware",
    # Views and downloads (portfolio/core/stats/counting.py): before the page cache, to
    # count its hits too.
    "portfolio.core.stats.counting.CountingMiddleware",
    # Anonymous pages from the shared cache (portfolio/core/page_cache.py). Early, so a hit
    # skips the rest; what it stores is the response as the rest finished it.
    "portfolio.core.page_cache.PageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Tells whether this session passed the second factor; then no admin page without it.
    "django_otp.middleware.OTPMiddleware",
    "portfolio.core.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Addresses of an imported site: /?p=ID on the home page, then any path that is a 404.
    "portfolio.core.redirects.WordPressQueryRedirectMiddleware",
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
    # Pages showing a visitor's own pending comment or remembered name are never cached.
    "comments.middleware.personal_pages",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
    # A full disk or a database locked too long: a page saying nothing was saved (507/503).
    "portfolio.core.security.FailureMiddleware",
]

ROOT_URLCONF = "portfolio.urls"
WSGI_APPLICATION = "portfolio.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Our templates first: django-comments-xtd ships a top-level 404.html.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portfolio.core.context_processors.site",
                "blog.context_processors.page_menus",
            ],
        },
    },
]
# Django's form templates, the smallest ones (inputs, labels, error lists) in Python.
FORM_RENDERER = "portfolio.core.form_renderer.FormRenderer"

# Database: SQLite in var/ unless DATABASE_URL says otherwise.
# IMMEDIATE transactions take the write lock up front, so concurrent writers
# wait for busy_timeout instead of failing with "database is locked".
DATABASE_URL = env.get_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {
            "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
        }
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # Full-text search lookups and types (blog search uses PostgreSQL's own search there).
    INSTALLED_APPS.append("django.contrib.postgres")

# Cache: Redis when REDIS_URL is set. Otherwise a file cache in var/, which
# every gunicorn worker shares (local memory would give each worker its own).
REDIS_URL = env.get_str("REDIS_URL")
if REDIS_URL:
    env.get_url("REDIS_URL", REDIS_URL, {"redis", "rediss", "unix"})
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "vitrine",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Anonymous full-page cache (portfolio/core/page_cache.py): at most this many seconds per
# page, well under COMMENTS_TIMEOUT (the forms' timestamps); 0 turns it off.
PAGE_CACHE_SECONDS = env.get_int("PAGE_CACHE_SECONDS", 600, minimum=0)

# Email: console by default, any backend through EMAIL_URL (smtp://, submission://…).
EMAIL_URL = env.get_str("EMAIL_URL")
if EMAIL_URL:
    try:
        globals().update(dj_email_url.parse(EMAIL_URL))
    except Exception as error:  # dj-email-url raises bare exceptions on unknown schemes
        raise ImproperlyConfigured(f"EMAIL_URL is not a mail URL: {error}") from None
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "vitrine@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where notifications for the site owner go (new comments, contact messages).
OWNER_EMAIL = env.get_str("OWNER_EMAIL", "owner@localhost")
# Every email is a task in the database, sent by `manage.py db_worker` (portfolio/core/outbox.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# /healthz answers 503 once a task ready to run has waited this many seconds (no worker?).
QUEUE_STUCK_AFTER = env.get_int("QUEUE_STUCK_AFTER", 900, minimum=60)

# Contact form: at most CONTACT_RATE_LIMIT messages per address within
# CONTACT_RATE_WINDOW seconds (counted in the database, so every worker agrees),
# and a form sent sooner than CONTACT_MIN_FILL_SECONDS after display is refused.
CONTACT_RATE_LIMIT = env.get_int("CONTACT_RATE_LIMIT", 3, minimum=1)
CONTACT_RATE_WINDOW = env.get_int("CONTACT_RATE_WINDOW", 600, minimum=1)
CONTACT_MIN_FILL_SECONDS = env.get_int("CONTACT_MIN_FILL_SECONDS", 3, minimum=0)
CONTACT_FORM_MAX_AGE = 60 * 60 * 6

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: French first, English under /en/.
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LANGUAGE_CODE = env.get_choice("LANGUAGE_CODE", "fr", {code for code, _name in LANGUAGES})
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.get_str("TIME_ZONE", "Europe/Paris") or "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static files: hashed names and precompressed copies, served by WhiteNoise (less its
# manifest: portfolio.core.security.StaticFilesMiddleware). Only our own pages load them,
# so no Access-Control-Allow-Origin (WhiteNoise sends `*` by default).
STATIC_URL = "static/"
WHITENOISE_ALLOW_ALL_ORIGINS = False
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.get_path("MEDIA_ROOT", VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media on S3-compatible storage (portfolio/core/storage.py) when a bucket is named, under
# the variables django-storages reads; pages then link to the bucket or AWS_S3_CUSTOM_DOMAIN.
AWS_STORAGE_BUCKET_NAME = env.get_str("AWS_STORAGE_BUCKET_NAME")
MEDIA_ORIGINS = []  # where pages load media from besides this site (the CSP's img-src)
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.get_str("AWS_S3_ENDPOINT_URL") or None
    if AWS_S3_ENDPOINT_URL:
        env.get_url("AWS_S3_ENDPOINT_URL", AWS_S3_ENDPOINT_URL, {"http", "https"})
    AWS_S3_REGION_NAME = env.get_str("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = env.get_str("AWS_S3_CUSTOM_DOMAIN").strip("/") or None
    STORAGES["default"] = {
        "BACKEND": "portfolio.core.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": AWS_S3_REGION_NAME,
            "custom_domain": AWS_S3_CUSTOM_DOMAIN,
            # Left out, boto3 reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the
            # environment itself (or an instance role): the same variables.
            "access_key": env.get_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env.get_str("AWS_SECRET_ACCESS_KEY") or None,
            # S3-compatible servers all speak path-style; the CSP below names that origin.
            "addressing_style": "path" if AWS_S3_ENDPOINT_URL else None,
        },
    }
    if AWS_S3_CUSTOM_DOMAIN:
        MEDIA_ORIGINS = [f"https://{AWS_S3_CUSTOM_DOMAIN}"]
    elif AWS_S3_ENDPOINT_URL:
        endpoint = urlsplit(AWS_S3_ENDPOINT_URL)
        MEDIA_ORIGINS = [f"{endpoint.scheme}://{endpoint.netloc}"]
    else:
        MEDIA_ORIGINS = [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"] + (
            [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com"]
            if AWS_S3_REGION_NAME
            else []
        )
# Public-read media: plain URLs (no signature that expires, so pages and the CDN can cache
# them), a new name for each upload (never overwritten, so renditions stay immutable), and
# the bucket's own policy decides who reads (no per-object ACL, which many buckets refuse).
AWS_QUERYSTRING_AUTH = False
AWS_S3_FILE_OVERWRITE = False
AWS_DEFAULT_ACL = None
# One machine serves its own uploads; with a bucket, pages link to it instead.
SERVE_MEDIA = env.get_bool("SERVE_MEDIA", not AWS_STORAGE_BUCKET_NAME)

# Uploads: refused above this size, with a message saying so.
MAX_UPLOAD_MB = env.get_int("MAX_UPLOAD_MB", 10, minimum=1)
MAX_IMAGE_PIXELS = env.get_int("MAX_IMAGE_PIXELS", 40_000_000, minimum=1_000_000)
# Importers with --download-media fetch only public addresses; networks listed here
# (e.g. "10.0.0.0/8" for an old blog on the local network) may be reached too.
IMPORT_DOWNLOAD_ALLOWED_NETWORKS = env.get_list("IMPORT_DOWNLOAD_ALLOWED_NETWORKS")

# Renditions are made when the source image is saved, never at first view,
# and their URLs are trusted without a storage check (django-imagekit).
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"
IMAGEKIT_CACHEFILE_DIR = "CACHE"
# Renditions live beside their sources: on the bucket when media are there.
IMAGEKIT_DEFAULT_FILE_STORAGE = "default"
# imagekit's record of which renditions exist: the Optimistic strategy reads it only while
# making them, where asking the storage does as well. In the default cache it cost every
# rendition three writes, and past MAX_ENTRIES each write of the file cache lists and culls
# the whole directory (an import of 2,000 images spent a fifth of its time there), possibly
# evicting the page cache's generation.
CACHES["renditions"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
IMAGEKIT_CACHE_BACKEND = "renditions"

# Security headers. Production turns on HTTPS-only parts through the environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Read by portfolio.core.security.CrossOriginResourcePolicyMiddleware (Django has no setting).
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env.get_bool("DJANGO_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS and env.get_bool("DJANGO_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env.get_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.get_int("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=300)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Proxies (Caddy, nginx) in front of gunicorn: how many X-Forwarded-For hops to trust.
TRUSTED_PROXY_COUNT = env.get_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# Browser features no page of ours uses, switched off (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT failures for
# one username from one address, that pair waits AXES_COOLOFF_MINUTES. Locking
# the pair, not the username alone, keeps a stranger from locking the author
# out; `manage.py axes_reset` unlocks everyone at once.
AUTHENTICATION_BACKENDS = [
    "portfolio.core.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.get_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.get_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# An IPv6 client is its /64 (one line gets a whole /64), as for every per-address limit.
AXES_CLIENT_IP_CALLABLE = "portfolio.core.security.client_limit_key"
AXES_LOCKOUT_CALLABLE = "portfolio.core.security.lockout_response"
AXES_VERBOSE = False

# The admin's second factor (django-otp): the authenticator app shows the site's name, and
# each wrong code makes the next one wait longer (1 s, 2 s, 4 s…) on top of axes' lockout.
OTP_TOTP_ISSUER = SITE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin's device lists never show a key or a recovery code: a stolen session cannot
# copy the second factor (each person sees their own codes on their recovery-codes page).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

CSRF_FAILURE_VIEW = "portfolio.core.views.csrf_failure"

ADMIN_PATH = env.get_str("ADMIN_PATH", "admin").strip("/") or "admin"

# django-comments-xtd: its HTML views only; moderation lives in comments/.
COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MAX_THREAD_LEVEL = 2
COMMENTS_XTD_CONFIRM_EMAIL = False
COMMENTS_XTD_SALT = SECRET_KEY.encode()[:32]
COMMENTS_XTD_FROM_EMAIL = DEFAULT_FROM_EMAIL
COMMENTS_XTD_CONTACT_EMAIL = OWNER_EMAIL
COMMENTS_XTD_FORM_CLASS = "comments.forms.CommentForm"
COMMENTS_XTD_THREADED_EMAILS = False
# Comment moderation policy, read by comments/moderation.py (see docs/architecture.md).
COMMENT_MAX_LENGTH = env.get_int("COMMENT_MAX_LENGTH", 3000, minimum=100)
COMMENTS_TIMEOUT = 60 * 60 * 6  # seconds a displayed form stays valid
COMMENTS_AUTO_APPROVE_RETURNING = env.get_bool("COMMENTS_AUTO_APPROVE_RETURNING", True)
COMMENTS_MIN_FILL_SECONDS = env.get_int("COMMENTS_MIN_FILL_SECONDS", 3, minimum=0)
COMMENTS_FLOOD_SECONDS = env.get_int("COMMENTS_FLOOD_SECONDS", 15, minimum=0)
COMMENTS_MAX_LINKS = env.get_int("COMMENTS_MAX_LINKS", 2, minimum=0)
COMMENTS_DISALLOWED_WORDS = env.get_list(
    "COMMENTS_DISALLOWED_WORDS", ["viagra", "cialis", "casino", "porn", "crypto giveaway"]
)
# 0: comments never close by age (a backdated or imported post keeps them); the admin
# shows on each post whether its comments are open and why.
COMMENTS_CLOSE_AFTER_DAYS = env.get_int("COMMENTS_CLOSE_AFTER_DAYS", 0, minimum=0)
COMMENTS_IP_RETENTION_DAYS = env.get_int("COMMENTS_IP_RETENTION_DAYS", 30, minimum=0)
# Comments in pages, as WordPress has them: top-level threads per page (replies stay with
# their thread), each page its own URL (/blog/<slug>/comments/2/); oldest or newest first.
COMMENTS_PER_PAGE = env.get_int("COMMENTS_PER_PAGE", 50, minimum=1)
COMMENTS_ORDER = env.get_choice("COMMENTS_ORDER", "oldest", {"oldest", "newest"})

# First-party statistics (portfolio/core/stats/): daily counts, no cookie, no address.
STATS_ENABLED = env.get_bool("STATS_ENABLED", True)
STATS_RETENTION_DAYS = env.get_int("STATS_RETENTION_DAYS", 730, minimum=1)
# A worker writes its counts at most this often (and when it stops).
STATS_FLUSH_SECONDS = env.get_int("STATS_FLUSH_SECONDS", 60, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO") or "INFO"},
    "loggers": {"django.request": {"level": "ERROR"}},
}
