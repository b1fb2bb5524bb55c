"""`/healthz`: what a load balancer and an operator see when the database answers, and when not."""

from __future__ import annotations

import logging

from fttm import create_app
from fttm.extensions import db


def test_healthz_reports_ok_when_the_database_answers(client):
    """200 with a small JSON body a load balancer can read."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json()["status"] == "ok"
    assert response.get_json()["database"] == "ok"


def test_healthz_needs_no_sign_in_and_no_token(client):
    """Probes are anonymous and cannot fetch a CSRF token first."""
    assert client.get("/healthz").status_code == 200
    assert client.head("/healthz").status_code == 200


def test_healthz_reports_an_unreachable_database_without_crashing(caplog):
    """503 with status "error" when the database cannot be opened; the reason goes to the log."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": "sqlite:////nonexistent/dir/x.sqlite3",
        }
    )
    caplog.set_level(logging.ERROR)
    try:
        client = app.test_client()
        for _ in range(2):  # a second probe works too: the failure left nothing half-open
            response = client.get("/healthz")
            assert response.status_code == 503
            assert response.is_json
            assert response.get_json()["status"] == "error"
            assert response.get_json()["database"] != "ok"
            assert "Traceback" not in response.get_data(as_text=True)
            assert "nonexistent" not in response.get_data(as_text=True)
    finally:
        with app.app_context():
            db.engine.dispose()
    assert any("database unavailable" in record.getMessage() for record in caplog.records)
