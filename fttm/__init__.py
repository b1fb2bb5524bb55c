"""fttm: a live board for Family Team Meetings.

Imports happen inside `create_app`, so `fttm serve` can let eventlet patch the standard library
before Flask and the database drivers are loaded (see fttm.entry).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    """Build the fttm app; `config` overrides settings (tests pass `{"ENV_NAME": "testing"}`)."""
    import logging

    from flask import Flask
    from jinja2 import StrictUndefined

    from config import refuse_default_secret, settings_for
    from fttm import (
        compression,
        database,
        error_pages,
        languages,
        routing,
        security,
        static_files,
        templating,
    )
    from fttm.extensions import babel, csrf, db, login_manager, migrate, socketio
    from fttm.jurisdictions import load_profiles

    app = Flask(__name__, instance_relative_config=True)
    environment = (config or {}).get("ENV_NAME")
    app.config.from_mapping(settings_for(environment))
    app.config.from_mapping(config or {})
    refuse_default_secret(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    from fttm.core.registry import SECTIONS

    app.extensions["fttm.jurisdictions"] = load_profiles(app.config["JURISDICTIONS_DIR"], SECTIONS)
    app.config["SQLALCHEMY_DATABASE_URI"] = database.url_for_app(app)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", database.engine_options(app))

    compression.init_app(app)  # first: its after_request hook then runs last
    db.init_app(app)
    database.enable_sqlite_pragmas(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=languages.pick)
    languages.install(app)
    login_manager.init_app(app)
    # Socket handlers must be declared before init_app: Flask-SocketIO hands its list of handlers
    # to each new server, but a handler declared after the first init_app reaches only that server.
    from fttm.live import sockets  # noqa: F401

    # Flask-SocketIO keeps the message queue's client manager of an earlier init_app in its
    # options: drop it, so each app gets the queue its own settings name (or none).
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["MESSAGE_QUEUE"],
        cors_allowed_origins=security.socket_origins(app),
        manage_session=False,
    )
    if app.testing:
        app.jinja_env.undefined = StrictUndefined

    routing.init_app(app)  # before any route is added: every <int:...> is a bounded id
    _register_areas(app)
    security.init_app(app)
    templating.init_app(app)
    static_files.init_app(app)
    error_pages.init_app(app)
    return app


def _register_areas(app: Flask) -> None:
    """Bind every area of the product: its blueprint, its socket events, its CLI commands."""
    from fttm import cli, frameworks, languages, models, publisher  # noqa: F401 - models registers every table
    from fttm.admin.views import bp as admin_bp
    from fttm.auth import access
    from fttm.auth.views import bp as auth_bp
    from fttm.board.views import bp as board_bp
    from fttm.cases.dashboard_views import bp as dashboard_bp
    from fttm.cases.views import bp as cases_bp
    from fttm.family_map.views import bp as family_map_bp
    from fttm.family_time.views import bp as family_time_bp
    from fttm.health.views import bp as health_bp
    from fttm.joining.views import bp as joining_bp
    from fttm.languages.choosers import register as register_language_choosers
    from fttm.languages.views import bp as languages_bp
    from fttm.live.announcements import add_said_header
    from fttm.live.family_time import push_drafts
    from fttm.live.pushes import push_events
    from fttm.meetings.views import bp as meetings_bp
    from fttm.meetings.wall import wall_choices, wall_key
    from fttm.plans.document_views import bp as plan_documents_bp
    from fttm.plans.views import bp as plans_bp
    from fttm.reviews.fidelity_views import bp as fidelity_bp
    from fttm.reviews.plus_delta_views import bp as plus_delta_bp
    from fttm.reviews.views import bp as reviews_bp
    from fttm.transcript.views import bp as transcript_bp
    from fttm.voices.views import bp as voices_bp
    from fttm.wall.views import bp as wall_bp

    access.init_app(app)
    register_language_choosers()  # whose language a request is in: account, then participant
    publisher.subscribe_once(push_events)
    publisher.subscribe_once(push_drafts)
    app.after_request(add_said_header)  # what a screen reader says of the sender's own change
    for blueprint in (
        auth_bp,
        admin_bp,
        cases_bp,
        dashboard_bp,
        meetings_bp,
        joining_bp,
        board_bp,
        wall_bp,
        family_map_bp,
        family_time_bp,
        plans_bp,
        plan_documents_bp,
        reviews_bp,
        fidelity_bp,
        plus_delta_bp,
        transcript_bp,
        health_bp,
        voices_bp,
        languages_bp,
    ):
        app.register_blueprint(blueprint)
    cli.init_app(app)
    app.jinja_env.globals["also"] = languages.also
    app.jinja_env.globals["also_framework"] = frameworks.also_in_second
    app.jinja_env.globals["wall_key"] = wall_key
    app.jinja_env.globals["wall_choices"] = wall_choices
    app.jinja_env.globals["other_languages"] = languages.others
    app.jinja_env.globals["profiles"] = lambda: app.extensions["fttm.jurisdictions"]
