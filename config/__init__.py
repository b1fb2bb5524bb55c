"""Settings classes for fttm; an `FTTM_<NAME>` environment variable overrides setting <NAME>."""

from __future__ import annotations

import json
import os
from pathlib import Path

JURISDICTIONS_DIR = Path(__file__).parent / "jurisdictions"
DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production, see Production


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = DEFAULT_SECRET_KEY
    # None means "a SQLite file in the instance folder", resolved by the app factory.
    DATABASE_URL: str | None = None
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLITE_BUSY_TIMEOUT_MS = 5000
    MESSAGE_QUEUE: str | None = None
    ASYNC_MODE = "eventlet"
    # Connections one worker serves at once: every phone's socket holds one for the meeting.
    WORKER_CONNECTIONS = 10_000
    # Origins allowed to open a Socket.IO connection, besides the page's own host.
    ALLOWED_ORIGINS: list[str] = []
    # Public address of the site for join links and QR codes ("https://fttm.example.org").
    PUBLIC_URL: str | None = None
    # How many reverse proxies stand in front of the workers (nginx: 1). Their X-Forwarded-For and
    # X-Forwarded-Proto are believed only then, so sign-in limits count the real address.
    TRUSTED_PROXIES = 0
    JURISDICTIONS_DIR = str(JURISDICTIONS_DIR)
    DEFAULT_JURISDICTION = "miteam"
    BABEL_DEFAULT_LOCALE = "en"
    # French as written in Canada; a browser asking for any French gets it (fttm/languages.py).
    LANGUAGES = ["en", "fr_CA"]

    SESSION_COOKIE_NAME = "fttm_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 12 * 60 * 60
    WTF_CSRF_TIME_LIMIT = 12 * 60 * 60

    # Failed sign-ins, throttled as NIST SP 800-63B §5.2.2 asks (see fttm/auth/throttle.py):
    # free tries on one account from one address; after them each failure doubles that
    # address's wait for that account, from the first wait up to the longest.
    LOGIN_FAILURES_PER_ACCOUNT = 5
    LOGIN_FIRST_WAIT_SECONDS = 60
    LOGIN_LONGEST_WAIT_SECONDS = 60 * 60
    # NIST's bound: consecutive failures of one account (from any address) that lock it.
    LOGIN_ACCOUNT_FAILURE_LIMIT = 100
    # How long a failure counts towards the waits and the bound above.
    LOGIN_FAILURE_MEMORY_SECONDS = 24 * 60 * 60
    # Against password spraying: failures from one address, on any accounts, within the window.
    # Generous, so a whole office behind one address never waits for its colleagues' typos.
    LOGIN_FAILURES_PER_ADDRESS = 100
    LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    # Wrong join codes: this many from one address start a wait until the window that began with
    # the first of them is over. Enough for a few typos; far too few to find a code by guessing.
    JOIN_CODE_TRIES_PER_ADDRESS = 8
    JOIN_CODE_TRY_WINDOW_SECONDS = 15 * 60

    LOG_LEVEL = "INFO"


class Development(Config):
    """Local development: `make run`."""

    DEBUG = False


class Testing(Config):
    """The test suite: threading async mode, no CSRF shortcuts (tests send real tokens)."""

    TESTING = True
    ASYNC_MODE = "threading"
    DATABASE_URL = "sqlite://"
    LOGIN_FAILURES_PER_ACCOUNT = 3
    LOGIN_FAILURES_PER_ADDRESS = 6
    LOGIN_ACCOUNT_FAILURE_LIMIT = 10


class Production(Config):
    """A real deployment: secure cookies, a secret key from the environment."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


ENVIRONMENTS = {"development": Development, "testing": Testing, "production": Production}


def _parse(raw: str, default: object) -> object:
    """Read an environment value with the type of the setting it overrides."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    if isinstance(default, dict):
        return json.loads(raw)
    return raw


def settings_for(environment: str | None = None, environ: os._Environ | dict | None = None) -> dict:
    """Settings for an environment, with `FTTM_*` environment variables applied on top."""
    environ = os.environ if environ is None else environ
    name = environment or environ.get("FTTM_ENV", "development")
    if name not in ENVIRONMENTS:
        raise RuntimeError(f"FTTM_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}")
    cls = ENVIRONMENTS[name]
    settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
    settings["ENV_NAME"] = name
    for key, raw in environ.items():
        if key.startswith("FTTM_") and key != "FTTM_ENV":
            setting = key.removeprefix("FTTM_")
            settings[setting] = _parse(raw, settings.get(setting, ""))
    return settings


def refuse_default_secret(settings) -> None:
    """Production must not run with the development secret: anyone could forge its sessions."""
    if settings["ENV_NAME"] == "production" and settings["SECRET_KEY"] in {DEFAULT_SECRET_KEY, ""}:
        raise RuntimeError("Production needs a secret: set FTTM_SECRET_KEY to a long random value.")
