"""Command-line tools: `fttm serve`, `fttm user create`, `fttm demo`, plus Flask's own."""

from __future__ import annotations

import gc
import os
import socket
import sys

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup

from fttm.auth import commands as accounts
from fttm.auth.models import Role, User
from fttm.errors import Invalid
from fttm.extensions import db, socketio

user_cli = AppGroup("user", help="Manage staff accounts.")


def _create_app(*_args) -> Flask:
    """The app for the command line, configured from the environment."""
    from fttm import create_app

    return create_app()


cli = FlaskGroup(
    create_app=_create_app,
    add_version_option=False,
    help="fttm: a live board for Family Team Meetings.",
)


def init_app(app: Flask) -> None:
    """Add fttm's commands to the app's command line."""
    app.cli.add_command(serve)
    app.cli.add_command(user_cli)
    app.cli.add_command(demo)


def _lan_address() -> str | None:
    """This machine's address on the local network, for phones in the room (no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: connect() on UDP only picks a route
            return probe.getsockname()[0]
    except OSError:
        return None


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 lets phones on your network join.",
)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Serve fttm (eventlet, with TCP_NODELAY so acknowledgements are not delayed)."""
    app = current_app._get_current_object()
    shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
    click.echo(f"fttm is running: open http://{shown}:{port}/ (Ctrl+C stops it)")
    if host in {"0.0.0.0", "::"} and (lan := _lan_address()):  # noqa: S104
        click.echo(f"Phones on this network join at http://{lan}:{port}/join")
    if app.config["ASYNC_MODE"] != "eventlet":
        # Flask ignores app.run() when called from its own command line; this *is* the server.
        os.environ.pop("FLASK_RUN_FROM_CLI", None)
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)
        return
    import eventlet.wsgi

    # What is loaded by now (code, templates, mappers) lives as long as the process: keep it out of
    # the garbage collector's full passes, which stall every socket while they run (the bench
    # measured passes of 130-190 ms over ~330,000 objects with 1,000 sockets).
    gc.freeze()
    # Every open socket holds one of eventlet's connections: without room for them all, the
    # changes phones send would queue behind the sockets (eventlet's default is 1,024).
    eventlet.wsgi.server(
        listen(host, port),
        app,
        log_output=False,
        max_size=app.config["WORKER_CONNECTIONS"],
    )


def listen(host: str, port: int):
    """The eventlet listening socket, with TCP_NODELAY set.

    Without TCP_NODELAY, Nagle's algorithm and delayed ACKs stall small frames (acks, pushes) by
    about 40 ms. On Linux, accepted connections inherit the option from the listening socket.
    """
    import eventlet

    listener = eventlet.listen((host, port))
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listener


def _read_password() -> str:
    """The new password: typed twice at a prompt, or the first line of stdin when piped."""
    if sys.stdin is not None and sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return (sys.stdin.readline() if sys.stdin else "").rstrip("\r\n")


@user_cli.command("create")
@click.option("--email", required=True, help="Sign-in email address.")
@click.option("--name", required=True, help="Full name, as colleagues and families see it.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--team", help="Team name; created if it does not exist yet.")
@click.option("--password", hidden=True, expose_value=True, default=None)
def create_user(email: str, name: str, role: str, team: str | None, password: str | None) -> None:
    """Create a staff account; the password is read from a prompt or stdin."""
    if password is not None:
        raise click.UsageError(
            "Never put a password on the command line: other users can see it in the process "
            "list and it stays in your shell history. Leave out --password and type it at the "
            "prompt, or pipe it on stdin."
        )
    try:
        team_id = accounts.team_named(team, create=True).id if team else None
        user = accounts.create_user(
            email=email, name=name, role=role, password=_read_password(), team_id=team_id
        )
    except Invalid as error:
        db.session.rollback()  # a team made for this account goes too
        for field, message in error.errors.items():
            click.echo(f"Error ({field}): {message}", err=True)
        sys.exit(1)
    click.echo(
        f"Created {user.role} account {user.email}"
        + (f" in team {user.team.name}" if user.team else "")
    )


@click.command("demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Only seed when the database has no accounts yet (used by `make run`).",
)
@click.option("--site", help="Where fttm is served, for the printed links (default: PUBLIC_URL).")
def demo(if_empty: bool, site: str | None) -> None:
    """Seed a fictional demo family and demo staff, and print where to go and how to sign in."""
    from fttm.demo import seed_demo

    if if_empty and db.session.scalar(sa.select(sa.func.count(User.id))):
        click.echo(
            "The database already has accounts; run `fttm demo` to reset the demo "
            "sign-ins and print them again."
        )
        return
    seeded = seed_demo()
    base = (site or current_app.config["PUBLIC_URL"] or "http://127.0.0.1:5000").rstrip("/")
    click.echo(f"Open: {base}/")
    for login in seeded.logins:
        click.echo(f"Sign in as {login.role}: {login.email} / password: {login.password}")
    click.echo(f"Demo meeting board: {base}{seeded.meeting_path}")
    click.echo(f"Demo meeting join code: {seeded.join_code}")
