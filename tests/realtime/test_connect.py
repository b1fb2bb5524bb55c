"""Socket.IO connections are authenticated: no signed-in session, no socket."""

from fttm import create_app
from fttm.extensions import socketio


def test_anonymous_socket_is_refused(app, client):
    """A browser that is not signed in cannot open a socket to listen in."""
    socket = socketio.test_client(app, flask_test_client=client)
    assert not socket.is_connected()


def test_signed_in_staff_socket_connects(app, client, auth, facilitator):
    """A signed-in caseworker's browser opens its socket."""
    auth.login(facilitator)
    socket = socketio.test_client(app, flask_test_client=client)
    assert socket.is_connected()
    socket.disconnect()


def test_signed_out_staff_socket_is_refused(app, client, auth, facilitator):
    """After signing out, the same browser can no longer open a socket."""
    auth.login(facilitator)
    auth.logout()
    socket = socketio.test_client(app, flask_test_client=client)
    assert not socket.is_connected()


def test_a_second_app_instance_also_refuses_anonymous_sockets(app, tmp_path):
    """Each app instance (one per worker) checks connections, not only the first one created."""
    second = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": "second-app",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'second.sqlite3'}",
        }
    )
    socket = socketio.test_client(second)
    assert not socket.is_connected()
