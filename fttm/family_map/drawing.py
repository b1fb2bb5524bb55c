"""The family map for one audience: both pictures, and the same map told in words (the text
alternative for screen readers and for phones where the picture is too small).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fttm.family_map.ecomap import ecomap_svg, flow_words, strength_words
from fttm.family_map.genogram import genogram_svg
from fttm.family_map.loading import FamilyMap, load_map
from fttm.family_map.models import EcomapConnection, Person, Relationship, RelationshipKind
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.meetings.models import Meeting


def figure(
    meeting: Meeting,
    audience: str,
    which: str,
    *,
    family_map: FamilyMap | None = None,
    standalone: bool = False,
    for_wall: bool = False,
) -> str:
    """The genogram or the ecomap of the meeting's case, as this audience may see it
    (`for_wall`: drawn to be read from the back of a room)."""
    case = meeting.case
    rules = profile(case.jurisdiction)
    family_map = family_map or load_map(case.id, audience, rules)
    family = family_map.family
    suffix = "-file" if standalone else "-wall" if for_wall else ""
    if which == "genogram":
        return genogram_svg(
            family,
            rules.today().year,
            title=_("Genogram of the %(name)s family", name=case.family_name),
            description=_(
                "Who is who in the family, and how they are related. The same map "
                "is written out in words next to the picture."
            ),
            figure_id=f"genogram{suffix}",
            for_wall=for_wall,
        )
    homes = {h.id: h.name for h in family_map.households}
    focus = next((p for p in family_map.people if p.is_focus_child), None)
    centre = homes.get(focus.household_id) if focus and focus.household_id else None
    return ecomap_svg(
        family.people,
        family_map.ecomap_connections,
        [option.key for option in rules.options("ecomap_categories")],
        centre_label=centre or _("The family"),
        title=_("Ecomap of the %(name)s family", name=case.family_name),
        description=_(
            "The family in the centre and the people, services and places around "
            "them, with how strong or stressful each connection is."
        ),
        figure_id=f"ecomap{suffix}",
        for_wall=for_wall,
    )


@dataclass
class Told:
    """One line of the text alternative, and the row it is about (for its controls)."""

    words: str
    item: Relationship | EcomapConnection


@dataclass
class PersonStory:
    """Everything the map says about one person, in words."""

    person: Person
    facts: list[str]
    relations: list[Told] = field(default_factory=list)
    connections: list[Told] = field(default_factory=list)


def _parent_word(person: Person, kind: RelationshipKind) -> str:
    sex = person.sex.value
    words = {
        RelationshipKind.BIOLOGICAL: {
            "female": _("Mother of %(name)s"),
            "male": _("Father of %(name)s"),
        },
        RelationshipKind.ADOPTED: {
            "female": _("Adoptive mother of %(name)s"),
            "male": _("Adoptive father of %(name)s"),
        },
        RelationshipKind.FOSTER: {
            "female": _("Foster mother of %(name)s"),
            "male": _("Foster father of %(name)s"),
        },
    }
    default = {
        RelationshipKind.BIOLOGICAL: _("Parent of %(name)s"),
        RelationshipKind.ADOPTED: _("Adoptive parent of %(name)s"),
        RelationshipKind.FOSTER: _("Foster parent of %(name)s"),
    }
    return words[kind].get(sex, default[kind])


def _child_word(person: Person, kind: RelationshipKind) -> str:
    sex = person.sex.value
    words = {
        RelationshipKind.BIOLOGICAL: {
            "female": _("Daughter of %(name)s"),
            "male": _("Son of %(name)s"),
        },
        RelationshipKind.ADOPTED: {
            "female": _("Adopted daughter of %(name)s"),
            "male": _("Adopted son of %(name)s"),
        },
        RelationshipKind.FOSTER: {
            "female": _("Foster daughter of %(name)s"),
            "male": _("Foster son of %(name)s"),
        },
    }
    default = {
        RelationshipKind.BIOLOGICAL: _("Child of %(name)s"),
        RelationshipKind.ADOPTED: _("Adopted child of %(name)s"),
        RelationshipKind.FOSTER: _("Foster child of %(name)s"),
    }
    return words[kind].get(sex, default[kind])


def relation_words(kind: RelationshipKind, *, reverse: bool = False) -> str:
    """A union or feeling from one side ("Married to %(name)s"); `reverse` for violence seen
    from the person harmed.
    """
    if kind == RelationshipKind.VIOLENCE:
        return (
            _("Harmed by %(name)s (violence or abuse)")
            if reverse
            else _("Violent or abusive towards %(name)s")
        )
    return {
        RelationshipKind.MARRIED: _("Married to %(name)s"),
        RelationshipKind.COHABITING: _("Living with %(name)s"),
        RelationshipKind.SEPARATED: _("Separated from %(name)s"),
        RelationshipKind.DIVORCED: _("Divorced from %(name)s"),
        RelationshipKind.WIDOWED: _("Widowed: was married to %(name)s"),
        RelationshipKind.CLOSE: _("Close to %(name)s"),
        RelationshipKind.VERY_CLOSE: _("Very close to %(name)s"),
        RelationshipKind.DISTANT: _("Distant from %(name)s"),
        RelationshipKind.CONFLICT: _("In conflict with %(name)s"),
        RelationshipKind.HOSTILE: _("Hostile relationship with %(name)s"),
        RelationshipKind.CUT_OFF: _("Cut off from %(name)s"),
    }[kind]


def _years(relationship: Relationship) -> str:
    if relationship.start_year and relationship.end_year:
        return f" ({relationship.start_year}\u2013{relationship.end_year})"
    if relationship.start_year:
        return " " + _("(since %(year)s)", year=relationship.start_year)
    if relationship.end_year:
        return " " + _("(until %(year)s)", year=relationship.end_year)
    return ""


def _facts(person: Person, year: int, homes: dict[int, str]) -> list[str]:
    facts = []
    if person.is_pregnancy_loss:
        facts.append(_("Pregnancy loss"))
    else:
        facts.append(
            {"female": _("Female"), "male": _("Male")}.get(
                person.sex.value, _("Other or unknown sex")
            )
        )
    if person.gender_identity:
        facts.append(_("gender identity: %(identity)s", identity=person.gender_identity))
    if person.birth_year:
        if person.deceased and person.death_year:
            facts.append(
                _(
                    "born %(born)s, died %(died)s aged %(age)s",
                    born=person.birth_year,
                    died=person.death_year,
                    age=person.death_year - person.birth_year,
                )
            )
        elif not person.deceased:
            facts.append(
                _("born %(born)s (%(age)s)", born=person.birth_year, age=year - person.birth_year)
            )
        else:
            facts.append(_("born %(born)s", born=person.birth_year))
    if person.deceased and not (person.birth_year and person.death_year):
        facts.append(
            _("died %(year)s", year=person.death_year) if person.death_year else _("has died")
        )
    if person.household_id in homes:
        facts.append(_("lives in %(home)s", home=homes[person.household_id]))
    if person.is_focus_child:
        facts.append(_("the child this plan is about"))
    return facts


def stories(family_map: FamilyMap, year: int) -> tuple[list[PersonStory], list[Told]]:
    """The text alternative: each person with their relationships and connections, and the
    household's own connections.
    """
    people = family_map.by_id
    homes = {h.id: h.name for h in family_map.households}
    told = {
        p.id: PersonStory(p, _facts(p, year, homes))
        for p in sorted(family_map.people, key=lambda p: (p.birth_year or 9999, p.id))
    }
    for relationship in family_map.relationships:
        one, two = people[relationship.from_person_id], people[relationship.to_person_id]
        kind = relationship.kind
        if relationship.is_parentage:
            pairs = ((one, _parent_word(one, kind), two), (two, _child_word(two, kind), one))
        elif kind == RelationshipKind.VIOLENCE:
            pairs = (
                (one, relation_words(kind), two),
                (two, relation_words(kind, reverse=True), one),
            )
        else:
            words = relation_words(kind)
            pairs = ((one, words, two), (two, words, one))
        for person, words, other in pairs:
            text = words % {"name": other.name} + _years(relationship)
            if relationship.note:
                text += " — " + relationship.note
            told[person.id].relations.append(Told(text, relationship))
    strengths, flows = strength_words(), flow_words()
    household: list[Told] = []
    for connection in family_map.connections:
        category = family_map.profile.label("ecomap_categories", connection.category)
        text = _(
            "%(system)s (%(category)s): %(strength)s. %(flow)s.",
            system=connection.system_name,
            category=category,
            strength=strengths[connection.strength.value],
            flow=flows[connection.flow.value],
        )
        if connection.note:
            text += " " + connection.note
        line = Told(text, connection)
        if connection.person_id in told:
            told[connection.person_id].connections.append(line)
        else:
            household.append(line)
    return list(told.values()), household
