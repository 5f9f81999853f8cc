"""Leadqual settings, read from the environment (and ``.env`` if present).

Every integration switches on by its variable being set:

* ``DATABASE_URL`` unset: a SQLite file ``var/leadqual.sqlite3`` in WAL mode
  with a busy timeout, so that the web process and the worker write at once.
* ``REDIS_URL`` unset: kombu's filesystem transport in ``var/broker/``, a
  broker that needs no server but is consumed by a real worker process.

See ``.env.example`` for the full list.
"""

import socket
import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("LEADQUAL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

TESTING = "pytest" in sys.modules

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env "
            "(`make run` writes a development .env for you); DEBUG=false needs a real key."
        )
    SECRET_KEY = "django-insecure-leadqual-development-only"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "auditlog",
    "leads",
    "verification",
    "followup",
    "config.apps.WiringConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "leads.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its own page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "leads.context_processors.roles",
                "followup.views.reminder_count",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'leadqual.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers and one writer work at once; IMMEDIATE takes the
            # write lock up front so concurrent writers wait (timeout) instead of
            # failing with "database is locked" on lock upgrade.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
    # Tests that start a real worker need a file the worker can open too.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-leadqual.sqlite3")}
else:
    # No JIT compilation: the screens' queries are short, but their subqueries per row
    # make the planner's estimates large enough to compile them, which costs 0.5-1 s
    # (the work queue over 30,000 companies: 0.05 s to run, 0.74 s to compile).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # DATABASE_POOL_MAX > 0: a pool of at most that many connections per process
    # (psycopg_pool), for workers with many threads: a verification gives its
    # connection back while it waits on the network (PostgreSQL allows 100 by default).
    # Otherwise persistent connections; none under tests, where the live server's
    # request threads would otherwise leave theirs open.
    DATABASE_POOL_MAX = env.int("DATABASE_POOL_MAX", default=0)
    if DATABASE_POOL_MAX:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1, "max_size": DATABASE_POOL_MAX, "timeout": 30}
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them
    else:
        DATABASES["default"].setdefault(
            "CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if TESTING else 60))
        DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:  # a deliberately slow hash costs ~1 s per test user on this machine
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# django-axes first: it refuses a login attempt while its username and address are
# locked out, before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "leads:work"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# The sales team's own zone; buyers' zones are stored per company.
TEAM_TIME_ZONE = env.str("TEAM_TIME_ZONE", default="Asia/Shanghai")
TIME_ZONE = TEAM_TIME_ZONE
TEAM_COUNTRY = env.str("TEAM_COUNTRY", default="CN")  # whose holidays the team keeps
LEADQUAL_TEAM_HOURS = env.str("LEADQUAL_TEAM_HOURS", default="09:00-18:00")
# The buyer's default business window, local time ("HH:MM-HH:MM").
LEADQUAL_BUSINESS_HOURS = env.str("LEADQUAL_BUSINESS_HOURS", default="09:00-17:00")
# How many of their business days a buyer usually takes to answer: a day off or the time
# of day explains a silence only that long past its own length ("Why no reply?").
LEADQUAL_REPLY_WINDOW_DAYS = env.float("LEADQUAL_REPLY_WINDOW_DAYS", default=2.0)

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Email --------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="leadqual@localhost")
# Also send each follow-up reminder to the rep by email (EMAIL_URL; console by default).
LEADQUAL_REMINDER_EMAILS = env.bool("LEADQUAL_REMINDER_EMAILS", default=False)
# Follow-ups emailed to buyers come from this address (the mailbox Leadqual reads, so
# that replies come back to it); empty: DEFAULT_FROM_EMAIL.
LEADQUAL_MAIL_FROM = env.str("LEADQUAL_MAIL_FROM", default="")
# A Fernet key for mailbox passwords stored in the database; empty: derived from
# SECRET_KEY (leads/mail/secrets.py).
LEADQUAL_MAIL_KEY = env.str("LEADQUAL_MAIL_KEY", default="")
# How often the IMAP mailboxes are read (seconds).
LEADQUAL_MAIL_POLL_SECONDS = env.int("LEADQUAL_MAIL_POLL_SECONDS", default=120)
# rspamd, the spam filter every incoming mail is shown to (leads/mail/rspamd.py,
# config/rspamd/): its normal worker (empty: no rspamd, Leadqual's own checks only),
# its controller (teaching the Bayes), the controller's password (none needed from
# loopback with our configuration) and the seconds a check may take before the mail
# goes on without rspamd's verdict.
LEADQUAL_RSPAMD_URL = env.str("LEADQUAL_RSPAMD_URL", default="http://127.0.0.1:11333")
LEADQUAL_RSPAMD_CONTROLLER_URL = env.str("LEADQUAL_RSPAMD_CONTROLLER_URL",
                                         default="http://127.0.0.1:11334")
LEADQUAL_RSPAMD_PASSWORD = env.str("LEADQUAL_RSPAMD_PASSWORD", default="")
LEADQUAL_RSPAMD_TIMEOUT = env.float("LEADQUAL_RSPAMD_TIMEOUT", default=3.0)

# --- Uploads ------------------------------------------------------------------
# Import files larger than this are refused with a message, not read.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The files admins keep for follow-up emails (catalogues, price lists, certificates) are
# stored under var/media/ (shared by the web and worker processes). There is no
# MEDIA_URL on purpose: nothing serves them directly; downloads go through a view that
# checks the login. One file at most LEADQUAL_ATTACHMENT_MAX_BYTES, one email's files
# together at most LEADQUAL_ATTACHMENT_EMAIL_MAX_BYTES (a third more once encoded).
MEDIA_ROOT = VAR_DIR / "media"
LEADQUAL_ATTACHMENT_MAX_BYTES = env.int("LEADQUAL_ATTACHMENT_MAX_BYTES",
                                        default=10 * 1024 * 1024)
LEADQUAL_ATTACHMENT_EMAIL_MAX_BYTES = env.int("LEADQUAL_ATTACHMENT_EMAIL_MAX_BYTES",
                                              default=15 * 1024 * 1024)

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "leads.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "leads.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}

# --- Celery -------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest a task may run; the broker's visibility timeout must exceed it, else a
# task still running is delivered a second time.
CELERY_TASK_TIME_LIMIT = env.int("LEADQUAL_TASK_TIME_LIMIT", default=180)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - min(60, CELERY_TASK_TIME_LIMIT // 3)
# Seconds before an unacknowledged message (its worker died) goes back to the queue.
LEADQUAL_VISIBILITY_TIMEOUT = env.int("LEADQUAL_VISIBILITY_TIMEOUT", default=3600)
if LEADQUAL_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"LEADQUAL_VISIBILITY_TIMEOUT ({LEADQUAL_VISIBILITY_TIMEOUT}s) must be longer than "
        f"LEADQUAL_TASK_TIME_LIMIT ({CELERY_TASK_TIME_LIMIT}s)")
# Work pending for longer than this is sent again by the sweeper, which runs every
# LEADQUAL_SWEEP_SECONDS (a broker restarted empty, a failed enqueue); running work whose
# claim's lease ran out (a killed worker) is sent again at the next sweep.
LEADQUAL_STALE_AFTER_SECONDS = env.int("LEADQUAL_STALE_AFTER_SECONDS", default=30 * 60)
LEADQUAL_SWEEP_SECONDS = env.float("LEADQUAL_SWEEP_SECONDS", default=60.0)
# A running verification's claim lasts this long unless its run renews it (every quarter
# of it, while the checks wait): a dead worker's work is taken over this long after its
# last renewal plus one sweep; a live run is never taken for dead (verification.claims).
LEADQUAL_CLAIM_LEASE_SECONDS = env.float("LEADQUAL_CLAIM_LEASE_SECONDS", default=60.0)
# A check still running this long after its run started is abandoned (the verification
# fails with the reason): a safety net for a hung thread, far beyond every probe deadline.
LEADQUAL_CHECKS_LIMIT_SECONDS = env.float("LEADQUAL_CHECKS_LIMIT_SECONDS", default=900.0)
# A web request that stores an inquiry while the broker is down must not hang: give up
# publishing quickly (the sweeper sends it later).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The sweeper and the work it sends again have a queue of their own, which every worker
# reads beside the default one: behind an import's backlog of thousands of checks, a
# dead worker's work is still taken over within a minute or two.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = {"celery": {}, "sweep": {}}
CELERY_TASK_ROUTES = {"verification.tasks.requeue_stale": {"queue": "sweep"}}
CELERY_BEAT_SCHEDULE = {
    "verification-requeue-stale": {
        "task": "verification.tasks.requeue_stale",
        "schedule": LEADQUAL_SWEEP_SECONDS,
    },
    "followup-remind-due": {
        "task": "followup.tasks.remind_due",
        "schedule": 60.0,
    },
    "leads-pool-return": {
        "task": "leads.tasks.pool_return_stale",
        "schedule": 3600.0,
    },
    "leads-mailboxes-poll": {
        "task": "leads.tasks.mailboxes_poll",
        "schedule": float(LEADQUAL_MAIL_POLL_SECONDS),
    },
    # A candidate fit model from the team's new labels; it waits for an admin.
    "verification-fit-retrain-weekly": {
        "task": "verification.tasks.fit_retrain_weekly",
        "schedule": 7 * 24 * 3600.0,
    },
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Longer than the longest task, so a task in progress is never re-delivered.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": LEADQUAL_VISIBILITY_TIMEOUT,
        # Look for messages of dead workers every tenth of the timeout (at most a
        # minute), one cheap sorted-set query each time.
        "unacked_restore_interval": max(1, min(60, LEADQUAL_VISIBILITY_TIMEOUT // 10)),
        "unacked_restore_throttle": 1,
        # A broker that vanished without closing the connection must not hang a
        # web request that publishes.
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
    }
else:
    BROKER_DIR = Path(env.str("LEADQUAL_BROKER_DIR", default=str(VAR_DIR / "broker")))
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # Seconds between looks at an empty queue folder (kombu's default is 1).
        "polling_interval": 0.1,
    }
    # The filesystem transport has no fan-out exchange for remote control.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
# Unit tests only (tests/conftest.py); never set this in a running deployment.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Verification probes ------------------------------------------------------
# All optional: the defaults are the real internet. Tests and the demo point
# them at the sandbox internet on loopback (`manage.py sandbox_internet`).
# Resolver for every lookup (MX, website, WHOIS server): "host[:port], ..."; empty = system.
LEADQUAL_DNS_SERVERS = env.str("LEADQUAL_DNS_SERVERS", default="")
LEADQUAL_SMTP_PORT = env.int("LEADQUAL_SMTP_PORT", default=25)
LEADQUAL_HTTP_PORT = env.int("LEADQUAL_HTTP_PORT", default=80)
LEADQUAL_HTTPS_PORT = env.int("LEADQUAL_HTTPS_PORT", default=443)
# "host:port" of one WHOIS server for every domain (else IANA's referral per TLD).
LEADQUAL_WHOIS_SERVER = env.str("LEADQUAL_WHOIS_SERVER", default="")
# A CA bundle the website checker trusts instead of the system's (the sandbox's; tests
# and demos only).
LEADQUAL_PROBE_CA_BUNDLE = env.str("LEADQUAL_PROBE_CA_BUNDLE", default="")
# CIDRs the probes may contact although private/loopback (tests and demos only).
LEADQUAL_PROBE_ALLOW_NETWORKS = env.str("LEADQUAL_PROBE_ALLOW_NETWORKS", default="")
# Our own name and address in SMTP; never a buyer's domain.
LEADQUAL_SMTP_HELO = env.str("LEADQUAL_SMTP_HELO", default="") or socket.getfqdn()
LEADQUAL_SMTP_FROM = env.str("LEADQUAL_SMTP_FROM", default="") or f"verify@{LEADQUAL_SMTP_HELO}"
# Seconds allowed for each network step (connect, each SMTP reply, each HTTP read).
LEADQUAL_PROBE_TIMEOUT = env.float("LEADQUAL_PROBE_TIMEOUT", default=10.0)
# At most this many simultaneous SMTP connections to one mail server, all workers together.
LEADQUAL_SMTP_MAX_PER_HOST = env.int("LEADQUAL_SMTP_MAX_PER_HOST", default=2)
# Threads per worker process: verification mostly waits on the network.
LEADQUAL_WORKER_CONCURRENCY = env.int("LEADQUAL_WORKER_CONCURRENCY", default=8)
# Inquiries one task verifies side by side (a thread each) and stores together: a worker
# thus has up to concurrency x batch checks waiting on the network at once.
LEADQUAL_VERIFY_BATCH = env.int("LEADQUAL_VERIFY_BATCH", default=5)
# Per-domain results (MX hosts, catch-all, WHOIS) are reused for this long.
LEADQUAL_DOMAIN_CACHE_SECONDS = env.int("LEADQUAL_DOMAIN_CACHE_SECONDS", default=6 * 3600)
# A website's check is reused for a shorter while: the inquiries of one company in one
# import share it, and a rep's "verify again" an hour later sees the site as it is now.
LEADQUAL_WEBSITE_CACHE_SECONDS = env.int("LEADQUAL_WEBSITE_CACHE_SECONDS", default=600)
# A temporary SMTP answer (greylisting, 4xx, 421) is retried after this delay, up to
# LEADQUAL_SMTP_TRIES tries in all.
LEADQUAL_SMTP_RETRY_SECONDS = env.int("LEADQUAL_SMTP_RETRY_SECONDS", default=15 * 60)
LEADQUAL_SMTP_TRIES = env.int("LEADQUAL_SMTP_TRIES", default=3)
LEADQUAL_WEBSITE_MAX_BYTES = env.int("LEADQUAL_WEBSITE_MAX_BYTES", default=2 * 1024 * 1024)
# A domain registered fewer than this many days ago is a warning sign.
LEADQUAL_YOUNG_DOMAIN_DAYS = env.int("LEADQUAL_YOUNG_DOMAIN_DAYS", default=180)

# --- Cache --------------------------------------------------------------------
# Shared by all processes: Redis when configured, else files under var/. The
# test process keeps its own in memory (emptied before each test).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}} if TESTING \
    else {
    "default": (
        {"BACKEND": "config.cache.RedisCache", "LOCATION": REDIS_URL,
         "KEY_PREFIX": "leadqual"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
              "LOCATION": str(VAR_DIR / "cache")}
    )
}

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# A working day and some: a stolen laptop's session does not last the week.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # Production is served over HTTPS, usually behind a proxy that terminates TLS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    if SESSION_COOKIE_SECURE:  # the browser then refuses them over http or for a subdomain
        SESSION_COOKIE_NAME = "__Host-leadqual-session"
    if CSRF_COOKIE_SECURE:
        CSRF_COOKIE_NAME = "__Host-leadqual-csrf"
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Login rate limit (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked out for LOGIN_LOCKOUT_MINUTES; a
# correct login resets the count. Admins see and clear lockouts in /admin/axes/.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind N trusted reverse proxies the client address is the Nth from the right in
# X-Forwarded-For; directly exposed (0), REMOTE_ADDR.
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Audit trail (django-auditlog): who changed status, owner, grade override and
# keywords, and when; managers read it at /leads/history/.
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes logs every successful login at INFO; lockouts are warnings.
    # axes logs each login, flufl.bounce each of its detectors: warnings are enough.
    "loggers": {"axes": {"level": "WARNING"}, "flufl.bounce": {"level": "WARNING"}},
}
