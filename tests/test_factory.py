"""The app factory: testing, default and production settings, and overrides from the environment."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from fttm import create_app
from fttm.extensions import db

STRONG_SECRET = "b3c0f7e1a9d24c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8"


@pytest.fixture
def clean_environment(monkeypatch):
    """No FTTM_* variables from the shell; threads instead of eventlet, as `fttm` does for
    every command but `serve` (importing eventlet here would only print its deprecation banner).
    """
    for name in ("FTTM_ENV", "FTTM_SECRET_KEY", "FTTM_DATABASE_URL", "FTTM_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FTTM_ASYNC_MODE", "threading")
    return monkeypatch


def test_testing_config_is_testing(clean_environment):
    """Tests get the testing settings: TESTING on, an in-memory database, tight sign-in limits."""
    app = create_app({"ENV_NAME": "testing"})
    assert app.testing
    assert app.config["ENV_NAME"] == "testing"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
    assert app.config["LOGIN_FAILURES_PER_ACCOUNT"] == 3


def test_default_config_is_development_not_testing(clean_environment):
    """Without FTTM_ENV, fttm runs as development with its database in the instance folder."""
    app = create_app()
    assert not app.testing
    assert app.config["ENV_NAME"] == "development"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/instance/fttm.sqlite3")


def test_environment_variables_override_settings(clean_environment, tmp_path):
    """An operator configures fttm with FTTM_* variables, typed like the settings they replace."""
    clean_environment.setenv("FTTM_PUBLIC_URL", "https://fttm.example.org")
    clean_environment.setenv("FTTM_LOGIN_FAILURES_PER_ACCOUNT", "9")
    clean_environment.setenv("FTTM_ALLOWED_ORIGINS", "https://a.example,https://b.example")
    clean_environment.setenv("FTTM_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    app = create_app({"ENV_NAME": "testing"})
    assert app.config["PUBLIC_URL"] == "https://fttm.example.org"
    assert app.config["LOGIN_FAILURES_PER_ACCOUNT"] == 9
    assert app.config["ALLOWED_ORIGINS"] == ["https://a.example", "https://b.example"]
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        db.session.remove()
        db.engine.dispose()
    assert (tmp_path / "env.sqlite3").exists()


def test_settings_passed_to_the_factory_win_over_the_environment(clean_environment):
    """Tests and embedders can pin a setting whatever the shell says."""
    clean_environment.setenv("FTTM_LOGIN_FAILURES_PER_ACCOUNT", "9")
    app = create_app({"ENV_NAME": "testing", "LOGIN_FAILURES_PER_ACCOUNT": 2})
    assert app.config["LOGIN_FAILURES_PER_ACCOUNT"] == 2


def test_production_refuses_to_start_without_a_secret_key(clean_environment):
    """A deployment that forgot FTTM_SECRET_KEY stops at once, saying what to set."""
    with pytest.raises(RuntimeError, match="FTTM_SECRET_KEY"):
        create_app({"ENV_NAME": "production"})


def test_production_chosen_by_fttm_env_also_needs_a_secret(clean_environment):
    """FTTM_ENV=production is held to the same rule as the factory argument."""
    clean_environment.setenv("FTTM_ENV", "production")
    with pytest.raises(RuntimeError, match="FTTM_SECRET_KEY"):
        create_app()


def test_production_refuses_the_development_secret(clean_environment):
    """Copying the development default into FTTM_SECRET_KEY is no better than leaving it out."""
    clean_environment.setenv("FTTM_SECRET_KEY", "dev-only-not-secret")
    with pytest.raises(RuntimeError, match="FTTM_SECRET_KEY"):
        create_app({"ENV_NAME": "production"})


def test_production_starts_with_a_secret_and_sends_secure_cookies(clean_environment, tmp_path):
    """With a real secret, production starts and its cookies only travel over HTTPS."""
    clean_environment.setenv("FTTM_SECRET_KEY", STRONG_SECRET)
    clean_environment.setenv("FTTM_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    app = create_app({"ENV_NAME": "production"})
    assert not app.testing
    assert app.secret_key == STRONG_SECRET
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/login", base_url="https://fttm.example.org")
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("fttm_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_each_app_uses_its_own_sqlite_busy_timeout(clean_environment, tmp_path):
    """The busy timeout an app is configured with is the one its connections get."""
    for number, timeout in enumerate((1111, 2222)):
        app = create_app(
            {
                "ENV_NAME": "testing",
                "SQLITE_BUSY_TIMEOUT_MS": timeout,
                "DATABASE_URL": f"sqlite:///{tmp_path / f'{number}.sqlite3'}",
            }
        )
        with app.app_context():
            with db.engine.connect() as connection:
                applied = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            db.engine.dispose()
        assert applied == timeout


def test_production_accepts_a_secret_given_to_the_factory(clean_environment, tmp_path):
    """A secret passed in the factory's own settings counts as much as FTTM_SECRET_KEY."""
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "a-long-random-production-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
            "ASYNC_MODE": "threading",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
