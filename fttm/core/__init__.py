"""The bottom layer every area's commands stand on: the one write path (`recorder`), the table of
board item kinds and sections (`registry`), who is acting (`viewers`) and row versions (`rows`).

Modules here import only models and the foundation modules (`fttm.extensions`, `fttm.errors`,
`fttm.timestamps`, ...), never an area's commands, the live shell or a view.
"""
