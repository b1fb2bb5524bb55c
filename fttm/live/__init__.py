"""The live-meeting shell around the areas' commands: who is looking (`viewer`), the board's
sections rendered per audience (`sections`, `render_cache`), the HTTP helpers every board-like
blueprint uses (`http`), and the Socket.IO side (`sockets`, `pushes`, `presence`, `rooms`,
`budgets`, `renderings`, `rate_limit`).

It may import any area; areas never import it (tests/test_layers.py checks).
"""
