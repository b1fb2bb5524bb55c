"""A phone the facilitator removed is told so plainly, and shown nothing of the meeting."""

from __future__ import annotations

REMOVED = "You were removed from this meeting"


def test_a_removed_phone_opening_the_board_is_told_it_was_removed(live, maria, nan):
    """After removal, Maria's board page says she was removed (still a 404: no board, no names);
    a browser that never joined gets the usual "not found"."""
    assert maria.add("strength", {"text": "Maria sings to Leo"}).status_code == 200
    assert live.remove(maria).status_code == 200

    page = maria.board()

    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert REMOVED in html
    assert "The facilitator removed you from this meeting" in html
    assert "Maria sings to Leo" not in html and "Nan" not in html
    stranger = live.app.test_client().get(f"/meetings/{live.id}/board/")
    assert stranger.status_code == 404
    assert REMOVED not in stranger.get_data(as_text=True)
    assert nan.board().status_code == 200


def test_a_removed_phone_cannot_reconnect_its_socket(live, maria):
    """Its socket is cut, and connecting again is refused."""
    socket = live.socket(maria)
    assert live.remove(maria).status_code == 200
    assert ("board:removed", {}) in socket.received()
    again = live.socket(maria)
    assert not again.is_connected()
