"""Django settings, all from the environment.

DATABASE_URL (dj-database-url form; default an SQLite file in the data folder), SECRET_KEY
(generated once and kept in the data folder), DEBUG (off unless set), ALLOWED_HOSTS, and the keys for personal
numbers at rest: XIANGCUN_ENCRYPTION_KEYS (comma-separated, newest first) and XIANGCUN_LOOKUP_KEY (generated once
into data/field_keys.json when unset; see docs/security.md).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("XIANGCUN_DATA_DIR", Path.cwd() / "data")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key, encoding="utf-8")
        key_file.chmod(0o600)
    except OSError:
        pass  # read-only checkout: the key lives for this process only
    return key


SECRET_KEY = _secret_key()


def _field_keys() -> tuple[list[str], str]:
    """Encryption keys (newest first) and the lookup-hash key: from the environment, else a file made once.

    The file is written aside and hard-linked into place, so two processes starting together cannot each
    keep their own key (data sealed with a key that is then lost could never be read). It is outside MEDIA_ROOT, so backups
    do not carry it: a copied backup reveals no number, and the keys are kept (and backed up) apart.
    """
    sealed, lookup = os.environ.get("XIANGCUN_ENCRYPTION_KEYS", ""), os.environ.get("XIANGCUN_LOOKUP_KEY", "")
    if sealed and lookup:
        return [k.strip() for k in sealed.split(",") if k.strip()], lookup.strip()
    if sealed or lookup:
        raise ImproperlyConfigured("XIANGCUN_ENCRYPTION_KEYS 和 XIANGCUN_LOOKUP_KEY 须同时设置")
    key_file = DATA_DIR / "field_keys.json"
    if not key_file.exists():
        text = json.dumps({"encryption": [_new_key()], "lookup": _new_key()})
        try:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            draft = DATA_DIR / f".field_keys.{os.getpid()}.{secrets.token_hex(4)}"
            draft.write_text(text, encoding="utf-8")
            draft.chmod(0o600)
            try:
                os.link(draft, key_file)  # atomic, and fails if another process got there first
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"无法在 {DATA_DIR} 生成密钥文件，请设置 XIANGCUN_ENCRYPTION_KEYS 和 XIANGCUN_LOOKUP_KEY"
            ) from exc
    stored = json.loads(key_file.read_text(encoding="utf-8"))
    return list(stored["encryption"]), stored["lookup"]


def _new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def _check_key(text: str, name: str) -> str:
    """Refuse a malformed key at startup rather than at the first page that reads a number."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name} 应为 32 字节密钥的 base64 文本（`xiangcun keys --new` 生成一个）")
    return text


FIELD_ENCRYPTION_KEYS, LOOKUP_HASH_KEY = _field_keys()
FIELD_ENCRYPTION_KEYS = [_check_key(k, "XIANGCUN_ENCRYPTION_KEYS") for k in FIELD_ENCRYPTION_KEYS]
LOOKUP_HASH_KEY = _check_key(LOOKUP_HASH_KEY, "XIANGCUN_LOOKUP_KEY")
if not FIELD_ENCRYPTION_KEYS or LOOKUP_HASH_KEY in FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("须有加密密钥，且查询哈希密钥不能与加密密钥相同")

DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "auditlog",
    "xiangcun.core",
    "xiangcun.regions",
    "xiangcun.departments",
    "xiangcun.accounts",
    "xiangcun.audit",
    "xiangcun.indicators",
    "xiangcun.plans",
    "xiangcun.medical",
    "xiangcun.households",
    "xiangcun.projects",
    "xiangcun.assets",
    "xiangcun.tasks",
    "xiangcun.villages",
    "xiangcun.ledgers",
    "xiangcun.public",
    "xiangcun.reports",
    "xiangcun.api",
    "xiangcun.overview",
    "xiangcun.demo",
]

AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "xiangcun.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "xiangcun.core.middleware.RejectNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    # After authentication and messages: idle logout, forced password change, required second factor.
    "xiangcun.accounts.middleware.AccountSecurityMiddleware",
]

ROOT_URLCONF = "xiangcun.urls"
WSGI_APPLICATION = "xiangcun.wsgi.application"

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
                "xiangcun.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'xiangcun.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Password rules: length and character classes from the county's 账号安全设置 (accounts.SecurityPolicy),
# then Django's similarity, common-password and all-digits checks.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "xiangcun.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "xiangcun.accounts.passwords.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
FORMAT_MODULE_PATH = ["xiangcun.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions and cookies: HttpOnly, SameSite, short idle life; Secure when served over HTTPS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("HTTPS")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Login throttling: five failures lock the username+IP pair for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"

# Uploads: plans and workbooks may be large, but not unbounded.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# 防返贫监测: days allowed per step, minimum assistance period before clearing, and the 回头看 interval.
MONITORING = {
    # Add up to the 15-day identification limit (domain.households.cases.DEFAULT_DEADLINES says why);
    # the 监测标准与规则 page warns when they do not fit a county's limit or notice period.
    "step_deadlines": {"入户核实": 3, "村内评议": 2, "村内公示": 6, "乡镇审核": 2, "县级审定": 2},
    "minimum_assistance_days": int(os.environ.get("MONITORING_MINIMUM_ASSISTANCE_DAYS", "180")),
    "recheck_days": int(os.environ.get("MONITORING_RECHECK_DAYS", "180")),
}

# A reported value that changes more than this share on last year needs a note (0.5 = 50%).
INDICATOR_JUMP_THRESHOLD = float(os.environ.get("INDICATOR_JUMP_THRESHOLD", "0.5"))
