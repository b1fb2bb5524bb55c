"""Private family time told in the transcript: when it started and ended, that the family drafted
(never what), and what the facilitator did with drafts not shared at the end (a count)."""

from __future__ import annotations

from fttm.languages import gettext as _
from fttm.languages import ngettext


def tell(kind: str, actor: str, after: dict) -> str | None:
    """The sentence of a family_time.* or family_draft.* event (None: not one of ours)."""
    count = after.get("count") if isinstance(after.get("count"), int) else 0
    sentences = {
        "family_time.started": lambda: _("%(actor)s started private family time", actor=actor),
        "family_time.ended": lambda: _("Private family time ended (%(actor)s)", actor=actor),
        "family_time.shared": lambda: ngettext(
            "%(actor)s shared the family's plan: %(num)d item",
            "%(actor)s shared the family's plan: %(num)d items",
            count,
            actor=actor,
        ),
        "family_time.drafts_kept": lambda: ngettext(
            "%(actor)s kept %(num)d family draft not shared, to share later",
            "%(actor)s kept %(num)d family drafts not shared, to share later",
            count,
            actor=actor,
        ),
        "family_time.drafts_discarded": lambda: ngettext(
            "%(actor)s discarded %(num)d family draft not shared",
            "%(actor)s discarded %(num)d family drafts not shared",
            count,
            actor=actor,
        ),
        "family_draft.added": lambda: _("%(actor)s drafted an item in private", actor=actor),
        "family_draft.edited": lambda: _("%(actor)s changed a private draft", actor=actor),
        "family_draft.deleted": lambda: _("%(actor)s removed a private draft", actor=actor),
    }
    told = sentences.get(kind)
    return told() if told else None
