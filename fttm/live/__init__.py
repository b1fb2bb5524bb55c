"""The live-meeting shell around the areas' commands:

- who is looking: `viewer` (the staff account or the phone's participant token);
- the board rendered per audience: `sections`, with `render_cache` (what this request already
  rendered) and `catch_up` (whole boards shared by screens reconnecting together);
- the HTTP helpers every blueprint that changes a board uses: `http` (`respond`, `respond_item`,
  `tell`, `board_change`), and `rate_limit` for changes over HTTP;
- the Socket.IO side: `sockets` (connect, catch-up, editing marks), `pushes` (committed changes
  to each audience's room), `presence`, `rooms`, and `budgets` for socket events.

It may import any area; areas never import it (tests/test_layers.py checks).
"""
