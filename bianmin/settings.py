"""Settings for bianmin, driven by environment variables.

Everything a deployment changes comes from the environment so the same code runs the
embedded single-site SQLite set-up and a PostgreSQL cluster with several workers.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from bianmin.core.cache_config import caches_from

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BIANMIN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(int(default))).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def env_limit(name: str, default: str) -> tuple[int, str]:
    """A time limit written "<amount> <unit>" (unit: workdays, days, hours or minutes), e.g. "2 hours"."""
    raw = os.environ.get(name, default).split()
    if len(raw) != 2 or not raw[0].isdigit() or raw[1] not in {"workdays", "days", "hours", "minutes"}:
        raise ValueError(f"{name} must look like '7 days' (units: workdays, days, hours, minutes), not {raw!r}")
    return int(raw[0]), raw[1]


def _secret_key() -> str:
    """Use SECRET_KEY from the environment, else a key generated once and kept in var/.

    A generated file key keeps sessions valid across restarts on a single machine without
    ever shipping a fixed key in the repository.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "bianmin.core",
    "bianmin.orgs",
    "bianmin.catalog",
    "bianmin.cases",
    "bianmin.ratings",
    "bianmin.rectification",
    "bianmin.hotline",
    "bianmin.stats",
    "bianmin.reports",
    "bianmin.portal",
    "bianmin.disclosure",
    "bianmin.hall",
    "bianmin.appointments",
    "bianmin.queueing",
    "bianmin.visits",
    "bianmin.staffops",
    "bianmin.alerts",
    "bianmin.exchange",
    "bianmin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bianmin.core.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bianmin.core.middleware.SecurityHeadersMiddleware",
    # Inside the security headers: the JSON 404/405/500 it puts in place of an HTML page gets them too.
    "bianmin.core.middleware.ApiErrorMiddleware",
    # Last: its refusals still pass every middleware above (security headers; the signed-in user for the page).
    "bianmin.core.middleware.InputBoundaryMiddleware",
]

ROOT_URLCONF = "bianmin.urls"
WSGI_APPLICATION = "bianmin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bianmin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "bianmin.core.context_processors.workbench",
                "bianmin.core.context_processors.product",
            ],
            "builtins": ["bianmin.core.templatetags.privacy"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bianmin.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while the single writer commits; IMMEDIATE transactions avoid
    # the "database is locked" upgrade deadlock when several threads write at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A new connection per request unless CONN_MAX_AGE is set: `make run`'s development server starts a thread per
    # request, so keeping connections buys nothing there. Under gunicorn set CONN_MAX_AGE=60: a new SQLite
    # connection re-reads the whole schema: 40-110 % more CPU for a rating request (docs/benchmarks.md).
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "0"))
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it costs 80-90 ms per rollup query above jit_above_cost, for queries that then
    # run in tens of milliseconds (docs/benchmarks.md, "Analytics at 10 million ratings").
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "bianmin" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Filled by collectstatic for gunicorn; in development WhiteNoise serves from the finders and only warns
# when the directory is missing, so create it rather than print that warning at every start.
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "bianmin" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# API lists answer at most this many rows a page (`?limit=`; more is a 422): a client cannot ask for a whole table
# at once. The default page stays django-ninja's 100.
NINJA_PAGINATION_MAX_LIMIT = int(os.environ.get("BIANMIN_API_MAX_PAGE", "1000"))

# Request size limits: oversized input is refused with a clear error before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_REQUEST_BYTES", 1_000_000))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
# A multipart body carries files (each at most core.uploads.MAX_FILE_BYTES, 10 MB): a few of them, no more.
# Its non-file fields still count against DATA_UPLOAD_MAX_MEMORY_SIZE (core.middleware.InputBoundaryMiddleware).
MAX_UPLOAD_REQUEST_BYTES = int(os.environ.get("MAX_UPLOAD_REQUEST_BYTES", "50000000"))

# HTTPS=1 is the switch for a site served over TLS (README, "Running on PostgreSQL with several workers"):
# cookies only over TLS, plain HTTP redirected to HTTPS, and HSTS so browsers never try plain HTTP again.
# `manage.py check --deploy` is clean with it (tests/test_deployment_check.py). Each part can be set on its own.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
# One year once HTTPS is on (what browsers' preload lists ask for); 0 turns HSTS off. Set it to a few minutes
# first when moving an existing site to HTTPS: a browser that saw the header refuses plain HTTP until it expires.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
# The preload directive only consents to the browsers' preload list; a site gets there by submitting itself
# (hstspreload.org), which is hard to undo. SECURE_HSTS_PRELOAD=0 withholds that consent.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
# Number of reverse proxies in front of the app (nginx, a load balancer), 0 when clients connect directly.
# Behind a proxy the TLS ends there: trust its X-Forwarded-Proto to know a request came over HTTPS (else
# SECURE_SSL_REDIRECT redirects forever), and its X-Forwarded-For for the client's address (sign-in and public
# rate limits count per address: core/throttle.py). Never set it without a proxy that overwrites these headers:
# a client could then claim any address.
_proxies = os.environ.get("BEHIND_PROXY", "0").strip().lower()
BEHIND_PROXY = int(_proxies) if _proxies.isdigit() else int(env_bool("BEHIND_PROXY"))  # "yes" means one
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# One cache for all processes under several workers (sign-in throttling counts there): see core/cache_config.py.
CACHES = caches_from(os.environ.get("CACHE_URL"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "bianmin.core.masking.MaskPersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_pii"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# Business settings: defaults from SPEC.md; each can be overridden by environment.
BIANMIN = {
    # Share of a time limit used at which a deadline turns yellow (SPEC §3).
    "WARNING_SHARE": float(os.environ.get("BIANMIN_WARNING_SHARE", "0.8")),
    # 即办件 must be finished on the spot within this many minutes (S002:L549).
    "INSTANT_LIMIT_MINUTES": int(os.environ.get("BIANMIN_INSTANT_LIMIT_MINUTES", "30")),
    # Working days before the committed date by which a department returns its result (S002:L1115).
    "HANDOVER_RETURN_DAYS_BEFORE_DUE": 1,
    # 退回件 (seed 002 §四): a complex return decision within 3 working days of the application; the review (复核)
    # the applicant may ask for is decided within RETURN_REVIEW_WORKDAYS (no seed number: the appeal default).
    "RETURN_DECISION_WORKDAYS": int(os.environ.get("BIANMIN_RETURN_DECISION_WORKDAYS", "3")),
    "RETURN_REVIEW_WORKDAYS": int(os.environ.get("BIANMIN_RETURN_REVIEW_WORKDAYS", "5")),
    # 急办件 (seed 002 §五: 从速从快办理) warn at this share of their (shorter) limit instead of WARNING_SHARE.
    "URGENT_WARNING_SHARE": float(os.environ.get("BIANMIN_URGENT_WARNING_SHARE", "0.5")),
    # 首问负责 (seeds 002/003): an entry still open this many working days after the contact warns its owner and
    # the site's managers (and counts as a first-contact failure in staff assessment).
    "FIRST_CONTACT_LIMIT_WORKDAYS": int(os.environ.get("BIANMIN_FIRST_CONTACT_LIMIT_WORKDAYS", "1")),
    # Complaints made at the centre (seed 002 投诉制度): 当日或次日 (the next working day), complex ones 一周之内.
    "COUNTER_COMPLAINT_LIMIT": env_limit("BIANMIN_COUNTER_COMPLAINT_LIMIT", "1 workdays"),
    "COUNTER_COMPLAINT_COMPLEX_LIMIT": env_limit("BIANMIN_COUNTER_COMPLAINT_COMPLEX_LIMIT", "7 days"),
    # Lifetime of API bearer tokens, in hours.
    "API_TOKEN_HOURS": int(os.environ.get("BIANMIN_API_TOKEN_HOURS", "12")),
    # Public site address used in printed documents and QR links.
    "PUBLIC_URL": os.environ.get("BIANMIN_PUBLIC_URL", "http://127.0.0.1:8000"),
    # Failed sign-ins allowed per username and address within LOGIN_WINDOW_SECONDS.
    "LOGIN_MAX_FAILURES": int(os.environ.get("BIANMIN_LOGIN_MAX_FAILURES", "5")),
    # Failed sign-ins allowed from one address, whatever the usernames, within LOGIN_WINDOW_SECONDS: stops one
    # machine trying many accounts. Generous, because a whole service centre may share one address behind NAT.
    "LOGIN_MAX_FAILURES_PER_ADDRESS": int(os.environ.get("BIANMIN_LOGIN_MAX_FAILURES_PER_ADDRESS", "30")),
    "LOGIN_WINDOW_SECONDS": int(os.environ.get("BIANMIN_LOGIN_WINDOW_SECONDS", "900")),
    # 好差评 (SPEC §5). Stages at which a case can be rated: any of receive, accept, complete.
    "RATING_STAGES": env_list("BIANMIN_RATING_STAGES", "complete"),
    # A case can still be rated this many calendar days after the stage (补充评价 period).
    "RATING_PERIOD_DAYS": int(os.environ.get("BIANMIN_RATING_PERIOD_DAYS", "7")),
    # Unrated cases get an invitation this many calendar days after completion.
    "RATING_INVITE_AFTER_DAYS": int(os.environ.get("BIANMIN_RATING_INVITE_AFTER_DAYS", "3")),
    # Write a "default good rating" when the period ends unrated. Off: the policy discourages it, and
    # when on these rows are counted apart and never mixed into satisfaction.
    "DEFAULT_GOOD_RATINGS": env_bool("BIANMIN_DEFAULT_GOOD_RATINGS", False),
    # The fast lane of POST /api/v1/ratings (bianmin/ratings/ingest.py): on unless BIANMIN_RATING_FAST_LANE=0.
    "RATING_FAST_LANE": env_bool("BIANMIN_RATING_FAST_LANE", True),
    # 监督查评: share of raters drawn for return-visit surveys.
    "SURVEY_SAMPLE_RATE": float(os.environ.get("BIANMIN_SURVEY_SAMPLE_RATE", "0.05")),
    # Honesty checks: more than DEVICE_BURST_COUNT ratings from one device within DEVICE_BURST_SECONDS,
    # more than PHONE_BURST_COUNT from one phone within PHONE_BURST_SECONDS, or two ratings at one
    # window within WINDOW_RAPID_SECONDS of each other are flagged for supervisors.
    "DEVICE_BURST_COUNT": int(os.environ.get("BIANMIN_DEVICE_BURST_COUNT", "5")),
    "DEVICE_BURST_SECONDS": int(os.environ.get("BIANMIN_DEVICE_BURST_SECONDS", "120")),
    "PHONE_BURST_COUNT": int(os.environ.get("BIANMIN_PHONE_BURST_COUNT", "3")),
    "PHONE_BURST_SECONDS": int(os.environ.get("BIANMIN_PHONE_BURST_SECONDS", "3600")),
    "WINDOW_RAPID_SECONDS": int(os.environ.get("BIANMIN_WINDOW_RAPID_SECONDS", "10")),
    # Text messages: "console" prints them (masked), "file" appends them to var/sms.log (masked),
    # or a dotted path to a class with send(phone, text).
    "SMS_BACKEND": os.environ.get("BIANMIN_SMS_BACKEND", "console"),
    # Bad-review loop (SPEC §6), defaults where a jurisdiction has no rectification Policy of its own:
    # contact the rater within VERIFY, rectify and answer within RECTIFY, decide appeals within APPEAL
    # working days. An overdue ticket goes to the centre manager, and after ESCALATE_AFTER more working
    # days still overdue, to the county supervisor.
    "RECTIFY_VERIFY_WORKDAYS": int(os.environ.get("BIANMIN_RECTIFY_VERIFY_WORKDAYS", "1")),
    "RECTIFY_WORKDAYS": int(os.environ.get("BIANMIN_RECTIFY_WORKDAYS", "15")),
    "APPEAL_WORKDAYS": int(os.environ.get("BIANMIN_APPEAL_WORKDAYS", "5")),
    "ESCALATE_AFTER_WORKDAYS": int(os.environ.get("BIANMIN_ESCALATE_AFTER_WORKDAYS", "1")),
    # 12345 hotline work orders (SPEC §7). Default time limit of each order type, counted from dispatch; a
    # dispatch category may set its own. SPEC: urgent 2 hours, ordinary 7 days, complex 15 days; escalated
    # (越级) complaints 3 working days (S003:L15 "三個工作日"); simple service complaints "当日或次日" and complex
    # ones "一周之内" (S002:L1331). Only the escalated complaint is written in working days in the sources, so
    # "7 days", "15 days", "次日" and "一周" are calendar days (a period ending on a rest day still ends on the
    # next working day, see WorkCalendar.add_calendar_days). Override e.g. BIANMIN_HOTLINE_LIMIT_ORDINARY="5 workdays".
    "HOTLINE_LIMITS": {
        "urgent": env_limit("BIANMIN_HOTLINE_LIMIT_URGENT", "2 hours"),
        "ordinary": env_limit("BIANMIN_HOTLINE_LIMIT_ORDINARY", "7 days"),
        "complex": env_limit("BIANMIN_HOTLINE_LIMIT_COMPLEX", "15 days"),
        "escalated_complaint": env_limit("BIANMIN_HOTLINE_LIMIT_ESCALATED_COMPLAINT", "3 workdays"),
        "simple_complaint": env_limit("BIANMIN_HOTLINE_LIMIT_SIMPLE_COMPLAINT", "1 days"),
        "complex_complaint": env_limit("BIANMIN_HOTLINE_LIMIT_COMPLEX_COMPLAINT", "7 days"),
    },
    # An order is dispatched (or re-routed after a return) within this many minutes: the "on-time transfer" figure.
    "HOTLINE_DISPATCH_MINUTES": int(os.environ.get("BIANMIN_HOTLINE_DISPATCH_MINUTES", "30")),
    # A department responds to a dispatched order (accepts it or returns it with a reason) within this limit;
    # urgent orders within URGENT_RESPONSE: the "response rate" figure. No seed gives numbers: local defaults.
    "HOTLINE_RESPONSE": env_limit("BIANMIN_HOTLINE_RESPONSE", "1 workdays"),
    "HOTLINE_URGENT_RESPONSE": env_limit("BIANMIN_HOTLINE_URGENT_RESPONSE", "30 minutes"),
    # Calls from the same phone about the same category within this many days are offered as repeats to link.
    "HOTLINE_REPEAT_DAYS": int(os.environ.get("BIANMIN_HOTLINE_REPEAT_DAYS", "30")),
    # Statistics rollups (SPEC §9): the worker re-checks this many past days for ratings excluded later
    # (or committed late), at most every STATS_RECOUNT_SECONDS; new ratings are picked up every sweep.
    "STATS_RECOUNT_DAYS": int(os.environ.get("BIANMIN_STATS_RECOUNT_DAYS", "400")),
    "STATS_RECOUNT_SECONDS": int(os.environ.get("BIANMIN_STATS_RECOUNT_SECONDS", "600")),
    # `manage.py demo` adds generated history (bianmin/demo/history.py): this many full months before the current
    # month, plus the current month so far. DEMO_HISTORY off (or `demo --no-history`) loads the hand-made demo only.
    "DEMO_HISTORY": env_bool("BIANMIN_DEMO_HISTORY", True),
    "DEMO_HISTORY_MONTHS": int(os.environ.get("BIANMIN_DEMO_HISTORY_MONTHS", "6")),
    # 流动红旗: the monthly candidate is the best-ranked window (Wilson bound) with at least this many ratings.
    "RED_FLAG_MIN_RATINGS": int(os.environ.get("BIANMIN_RED_FLAG_MIN_RATINGS", "30")),
    # League tables are cached until a day of their period is replaced in the rollup (stats/stamps.py), and
    # at most this long, which bounds how long a renamed window or staff member keeps its old name there.
    "STATS_CACHE_SECONDS": int(os.environ.get("BIANMIN_STATS_CACHE_SECONDS", "600")),
    # Scheduled reports (SPEC §9; S003:L16, S000:L232): due dates. Which period each report covers follows from
    # these (bianmin/reports/calendar.py): the monthly report due on the 29th covers the 29th of the month before
    # to the 28th, the half-year report due 25 June covers 1 January – 24 June, the quarterly case statistics due
    # on the 10th of a quarter's first month cover the previous quarter, the annual report due 5 January the
    # previous year. The worker generates each report on the first day its period is complete, for reports due
    # at most REPORT_CATCH_UP_DAYS ago (a new installation does not produce years of back reports), at most
    # REPORT_BATCH per sweep, for every region or enterprise unit of the listed levels.
    "REPORT_MONTHLY_DAY": int(os.environ.get("BIANMIN_REPORT_MONTHLY_DAY", "29")),
    "REPORT_QUARTERLY_DAY": int(os.environ.get("BIANMIN_REPORT_QUARTERLY_DAY", "10")),
    "REPORT_HALF_YEAR_DUE": os.environ.get("BIANMIN_REPORT_HALF_YEAR_DUE", "06-25"),
    "REPORT_ANNUAL_DUE": os.environ.get("BIANMIN_REPORT_ANNUAL_DUE", "01-05"),
    "REPORT_CATCH_UP_DAYS": int(os.environ.get("BIANMIN_REPORT_CATCH_UP_DAYS", "31")),
    "REPORT_BATCH": int(os.environ.get("BIANMIN_REPORT_BATCH", "20")),
    "REPORT_UNIT_LEVELS": env_list("BIANMIN_REPORT_UNIT_LEVELS", "province,city,county"),
    # Townships send their case statistics to the county every quarter (S000:L232), so they get that report too.
    "REPORT_QUARTERLY_UNIT_LEVELS": env_list("BIANMIN_REPORT_QUARTERLY_UNIT_LEVELS", "province,city,county,township"),
    # Public endpoints (rating submission, portal comments): requests per minute per address.
    "PUBLIC_RATE_PER_MINUTE": int(os.environ.get("BIANMIN_PUBLIC_RATE_PER_MINUTE", "120")),
    # Public disclosure pages and API (/public/, /api/v1/public/…): seconds a computed report is cached.
    "PUBLIC_CACHE_SECONDS": int(os.environ.get("BIANMIN_PUBLIC_CACHE_SECONDS", "300")),
    # Early warnings (bianmin.alerts, seed 000 预警), defaults where a jurisdiction has no AlertPolicy of its own:
    # complaints in a day; the same person or matter complained about REPEAT_COUNT times within REPEAT_DAYS; a
    # complaint term on a day at least HOT_TERM_MIN_COUNT times and HOT_TERM_FACTOR times its daily average of the
    # 28 days before; a staff member's tickets verified as true BAD_REVIEWS times within BAD_REVIEW_DAYS. A sweep
    # reads at most ALERT_MAX_RECORDS complaints per channel.
    "ALERT_DAILY_COMPLAINTS": int(os.environ.get("BIANMIN_ALERT_DAILY_COMPLAINTS", "10")),
    "ALERT_REPEAT_COUNT": int(os.environ.get("BIANMIN_ALERT_REPEAT_COUNT", "3")),
    "ALERT_REPEAT_DAYS": int(os.environ.get("BIANMIN_ALERT_REPEAT_DAYS", "30")),
    "ALERT_HOT_TERM_FACTOR": os.environ.get("BIANMIN_ALERT_HOT_TERM_FACTOR", "3.0"),
    "ALERT_HOT_TERM_MIN_COUNT": int(os.environ.get("BIANMIN_ALERT_HOT_TERM_MIN_COUNT", "5")),
    "ALERT_BAD_REVIEWS": int(os.environ.get("BIANMIN_ALERT_BAD_REVIEWS", "3")),
    "ALERT_BAD_REVIEW_DAYS": int(os.environ.get("BIANMIN_ALERT_BAD_REVIEW_DAYS", "30")),
    "ALERT_MAX_RECORDS": int(os.environ.get("BIANMIN_ALERT_MAX_RECORDS", "20000")),
    # The national exchange (bianmin.exchange, SPEC §10): the wait after the n-th failed attempt is
    # BACKOFF_SECONDS·2^(n-1), at most BACKOFF_MAX_SECONDS, less a random share of up to half (jitter); a record is a
    # dead letter after MAX_ATTEMPTS attempts.
    "EXCHANGE_BACKOFF_SECONDS": float(os.environ.get("BIANMIN_EXCHANGE_BACKOFF_SECONDS", "30")),
    "EXCHANGE_BACKOFF_MAX_SECONDS": float(os.environ.get("BIANMIN_EXCHANGE_BACKOFF_MAX_SECONDS", "21600")),
    "EXCHANGE_MAX_ATTEMPTS": int(os.environ.get("BIANMIN_EXCHANGE_MAX_ATTEMPTS", "12")),
}
