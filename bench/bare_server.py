"""The floor: a bare Flask-SocketIO server that commits one row to SQLite and broadcasts it.

No accounts, no CSRF, no rendering, no transcript: what any Flask-SocketIO app on this machine
costs at least. `python -m bench.bare_server --mode eventlet --port 5100 --db /tmp/bare.db`.
"""

from __future__ import annotations

import argparse
import html
import socket
import sqlite3
import threading
import warnings


def build(db_path: str, mode: str):
    """The bare app and its Socket.IO server."""
    from flask import Flask, jsonify, request
    from flask_socketio import SocketIO, join_room

    app = Flask(__name__)
    socketio = SocketIO(app, async_mode=mode)
    local = threading.local()
    with sqlite3.connect(db_path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute(
            "CREATE TABLE IF NOT EXISTS edit (id INTEGER PRIMARY KEY, room INT, text TEXT)"
        )

    def database() -> sqlite3.Connection:
        """One connection per thread or green thread, as the app's pool would give."""
        if getattr(local, "db", None) is None:
            local.db = sqlite3.connect(db_path, timeout=5)
            local.db.execute("PRAGMA synchronous=FULL")
        return local.db

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.post("/m/<int:room>/edit")
    def edit(room: int):
        text = request.form.get("text", "")
        db = database()
        with db:
            seq = db.execute("INSERT INTO edit (room, text) VALUES (?, ?)", (room, text)).lastrowid
        item = f"<li>{html.escape(text)}</li>"
        socketio.emit("board:update", {"seq": seq, "sections": {"strengths": item}}, to=str(room))
        return item

    @socketio.on("connect")
    def connect(auth=None):
        room = auth.get("meeting") if isinstance(auth, dict) else None
        if not isinstance(room, int):
            return False
        join_room(str(room))
        return True

    return app, socketio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "gevent", "threading"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    if args.mode == "eventlet":
        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()
    elif args.mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    app, socketio = build(args.db, args.mode)
    if args.mode == "eventlet":
        import eventlet
        import eventlet.wsgi

        from config import Config

        listener = eventlet.listen(("127.0.0.1", args.port))
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # As many connections as `fttm serve` allows (eventlet's default is 1,024).
        eventlet.wsgi.server(listener, app, log_output=False, max_size=Config.WORKER_CONNECTIONS)
    else:
        socketio.run(
            app, host="127.0.0.1", port=args.port, allow_unsafe_werkzeug=True, log_output=False
        )


if __name__ == "__main__":
    main()
