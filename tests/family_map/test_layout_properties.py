"""Properties of the automatic genogram layout, checked on many random families.

The families are realistic: generations of people, children with up to two biological parents
(sometimes an adoptive or foster parent besides), couples, people with two or three partners over
the years, people marrying in from outside, twins, households, feelings between any two people,
and sometimes the facilitator's nudges. Each test names what a user would see if it failed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import count, pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fttm.family_map.layout import (
    HALF,
    SPACING,
    Family,
    Layout,
    Link,
    PersonNode,
    lay_out,
)

SEXES = ("male", "female", "unknown")
UNION_KINDS = ("married", "cohabiting", "separated", "divorced", "widowed")
ENDED = {"separated", "divorced", "widowed"}
CARE_KINDS = ("adopted", "foster")
EMOTIONAL_KINDS = ("close", "very_close", "distant", "conflict", "hostile", "cut_off", "violence")
RANK = {"biological": 0, "adopted": 1, "foster": 2}
FAMILY_LINES = {"union", "descent", "child"}
TOLERANCE = 0.11  # coordinates are rounded to 0.1 px

MAIN = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- realistic families ---------------------------------------------------------------------


def _chance(draw, tenths: int) -> bool:
    """True `tenths` times in ten (shrinks towards True)."""
    return draw(st.integers(0, 9)) < tenths


@st.composite
def families(draw, *, nudged: bool = False, uneven: bool = False, max_people: int = 60) -> Family:
    """A valid family of 1..max_people people, generation by generation. Partners are of one
    generation; with `uneven`, sometimes one generation apart (as when one partner's parents
    and grandparents are drawn but only the other's parents), which the layout must level out.
    """
    # Sizes spread evenly: big families are where layouts go wrong.
    budget = draw(st.sampled_from(range(1, max_people + 1)))
    # Ids in random order, so that an id says nothing about age or generation.
    ids = iter(
        draw(st.lists(st.integers(1, 10_000), min_size=budget, max_size=budget, unique=True))
    )
    households = tuple((h, f"Home {h}") for h in range(1, draw(st.integers(0, 3)) + 1))
    people: dict[int, dict] = {}
    generation: dict[int, int] = {}
    parents: dict[int, set[int]] = defaultdict(set)
    partners: dict[int, set[int]] = defaultdict(set)
    links: list[Link] = []
    twin_groups = count(1)
    union_years = count(0)

    def room() -> bool:
        return len(people) < budget

    def person(gen: int, born: int | None, twin_group: int | None = None) -> int:
        pid = next(ids)
        nudge = 0.0
        if nudged and _chance(draw, 3):
            nudge = float(draw(st.integers(-400, 400)))
        people[pid] = {
            "id": pid,
            "name": f"Person {pid}",
            "sex": draw(st.sampled_from(SEXES)),
            "birth_year": born,
            "household_id": draw(st.sampled_from([None, *(h for h, _name in households)])),
            "twin_group": twin_group,
            "nudge_x": nudge,
        }
        generation[pid] = gen
        return pid

    def link(group: str, kind: str, a: int, b: int, start=None, end=None) -> None:
        links.append(Link(len(links) + 1, group, kind, a, b, start, end))

    def unite(a: int, b: int, gen: int) -> None:
        kind = draw(st.sampled_from(UNION_KINDS))
        # Every known start year is different, so a person's partners have an order in time.
        start = None if _chance(draw, 1) else 1918 + 28 * gen + next(union_years)
        end = start + draw(st.integers(1, 15)) if start is not None and kind in ENDED else None
        link("union", kind, a, b, start, end)
        partners[a].add(b)
        partners[b].add(a)

    def born_after(elders: tuple[int, ...], gen: int) -> int | None:
        if _chance(draw, 1):
            return None
        years = [people[p]["birth_year"] for p in elders if people[p]["birth_year"] is not None]
        base = max(years) if years else 1900 + 28 * (gen - 1)
        return base + draw(st.integers(18, 40))

    founders = draw(st.integers(1, min(budget, 6)))
    row = [
        person(0, None if _chance(draw, 1) else 1900 + draw(st.integers(-8, 8)))
        for _ in range(founders)
    ]
    elders_all: set[int] = set()  # everyone with a child
    older: list[int] = []  # the generation above, for partners one generation apart
    apart: set[int] = set()  # partners one generation apart, who take no other partner
    for gen in range(6):
        # Couples in this generation: with each other, or with someone marrying in.
        for someone in list(row):
            wanted = (0, 0, 0, 0, 1, 1, 1, 1, 2, 3)[draw(st.integers(0, 9))]
            for _ in range(wanted):
                if len(partners[someone]) >= 3 or someone in apart:
                    break
                others = [
                    p
                    for p in row
                    if p != someone
                    and p not in partners[someone]
                    and p not in apart
                    and len(partners[p]) < 3
                    and not parents[p] & parents[someone]
                ]
                if uneven and not partners[someone]:
                    # Someone of the generation above with no partner or child yet: drawn a row
                    # lower, beside them, without pulling a parent and child into one row.
                    others += [
                        p
                        for p in older
                        if not partners[p] and p not in parents[someone] and p not in elders_all
                    ]
                if others and _chance(draw, 3):
                    chosen = draw(st.sampled_from(others))
                    unite(someone, chosen, gen)
                    if chosen in older:
                        apart.update((someone, chosen))
                elif room():
                    theirs = people[someone]["birth_year"]
                    born = None if theirs is None or _chance(draw, 1) else theirs
                    newcomer = person(gen, born and born + draw(st.integers(-6, 6)))
                    row.append(newcomer)
                    unite(someone, newcomer, gen)
        # Who has children: couples mostly, sometimes one parent alone or two who are not a couple.
        sets: list[tuple[int, ...]] = []
        for union in [k for k in links if k.group == "union" and generation[k.a] == gen]:
            if _chance(draw, 7):
                sets.append((union.a, union.b))
        for someone in row:
            if _chance(draw, 1):
                sets.append((someone,))
        if len(row) >= 2 and _chance(draw, 2):
            pair = draw(st.lists(st.sampled_from(row), min_size=2, max_size=2, unique=True))
            sets.append(tuple(pair))
        children: list[int] = []
        for elders in sets:
            kind = "biological" if _chance(draw, 8) else draw(st.sampled_from(CARE_KINDS))
            previous: int | None = None
            for _ in range(draw(st.integers(1, 4))):
                if not room():
                    break
                if previous is not None and _chance(draw, 2):
                    twins = people[previous]["twin_group"] or next(twin_groups)
                    people[previous]["twin_group"] = twins
                    child = person(gen + 1, people[previous]["birth_year"], twins)
                else:
                    child = person(gen + 1, born_after(elders, gen + 1))
                for parent in elders:
                    link("parentage", kind, parent, child)
                    parents[child].add(parent)
                    elders_all.add(parent)
                carers = [p for p in row if p not in parents[child]]
                if carers and _chance(draw, 1):
                    carer = draw(st.sampled_from(carers))
                    link("parentage", draw(st.sampled_from(CARE_KINDS)), carer, child)
                    parents[child].add(carer)
                    elders_all.add(carer)
                children.append(child)
                previous = child
        if not children:
            break
        older, row = row, children
    everyone = sorted(people)
    if len(everyone) >= 2:
        for _ in range(draw(st.integers(0, min(8, len(everyone))))):
            a, b = draw(st.lists(st.sampled_from(everyone), min_size=2, max_size=2, unique=True))
            link("emotional", draw(st.sampled_from(EMOTIONAL_KINDS)), a, b)
    return Family(tuple(PersonNode(**p) for p in people.values()), tuple(links), households)


any_families = st.one_of(families(), families(nudged=True), families(uneven=True))


# -- reading a family and a layout ----------------------------------------------------------


def _parentage(family: Family) -> list[Link]:
    return [k for k in family.links if k.group == "parentage"]


def _unions(family: Family) -> list[Link]:
    return [k for k in family.links if k.group == "union"]


def _top(layout: Layout, person: int) -> tuple[float, float]:
    x, y = layout.positions[person]
    return (x, round(y - HALF, 1))


def _segments(layout: Layout, groups=None):
    for line in layout.lines:
        if groups is None or line.group in groups:
            yield from pairwise(line.points)


def crosses_interior(p, q, box) -> bool:
    """Whether the segment from p to q meets the open rectangle box = (x1, y1, x2, y2)."""
    low, high = -math.inf, math.inf
    for start, delta, a, b in (
        (p[0], q[0] - p[0], box[0], box[2]),
        (p[1], q[1] - p[1], box[1], box[3]),
    ):
        if delta == 0:
            if not a < start < b:
                return False
        else:
            t1, t2 = (a - start) / delta, (b - start) / delta
            low, high = max(low, min(t1, t2)), min(high, max(t1, t2))
    return low < high and low < 1 and high > 0


def _shrunk(layout: Layout, person: int) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = layout.symbol_box(person)
    return (x1 + 1, y1 + 1, x2 - 1, y2 - 1)


def _on(point, p, q) -> bool:
    """Whether a point lies on the segment from p to q (coordinates are rounded to 0.1)."""
    (x, y), (x1, y1), (x2, y2) = point, p, q
    if not (min(x1, x2) - TOLERANCE <= x <= max(x1, x2) + TOLERANCE):
        return False
    if not (min(y1, y2) - TOLERANCE <= y <= max(y1, y2) + TOLERANCE):
        return False
    cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
    return abs(cross) <= TOLERANCE * max(1.0, math.dist(p, q))


class _Drawing:
    """The family lines (unions, descents, children) as connected pieces of ink.

    A line joins the line it hangs from: a child line by its first point, a parent's own short
    line (from the edge of their symbol) by its first point, a descent line coming down by both
    its ends; each onto a horizontal piece of another line (a union line, a bar above children)
    or onto the foot of a descent line. Lines that merely cross or meet just above a child (from
    a child's adoptive parent, say) are not joined.
    """

    def __init__(self, layout: Layout):
        self.layout = layout
        self.lines = [line for line in layout.lines if line.group in FAMILY_LINES]
        self.owner = list(range(len(self.lines)))
        self.boxes = {p: layout.symbol_box(p) for p in layout.positions}
        self._touch: dict[bool, dict[int, set[int]]] = {}
        across: dict[float, list] = defaultdict(list)  # horizontal pieces by their y
        feet: dict[tuple[float, float], list[int]] = defaultdict(list)  # where descents end
        for index, line in enumerate(self.lines):
            if line.group == "child":
                continue
            for p, q in pairwise(line.points):
                if p[1] == q[1]:
                    across[p[1]].append((index, p, q))
            if line.group == "descent" and self._coming_down(line):
                feet[line.points[-1]].append(index)
        for index, line in enumerate(self.lines):
            for end in self._hangs_by(line):
                for other, p, q in across.get(end[1], ()):
                    if other != index and _on(end, p, q):
                        self._join(index, other)
                for other in feet.get(end, ()):
                    if other != index:
                        self._join(index, other)

    @staticmethod
    def _coming_down(line) -> bool:
        (_x1, y1), (_x2, y2) = line.points[-2], line.points[-1]
        return y2 > y1

    def _hangs_by(self, line) -> list:
        first = line.points[0]
        if line.group == "child":
            return [first]
        if line.group != "descent":
            return []
        if any(self._at_symbol(first, box) for box in self.boxes.values()):
            return [first]
        if self._coming_down(line):
            return [first, line.points[-1]]
        return []

    @staticmethod
    def _at_symbol(point, box) -> bool:
        x, y = point
        x1, y1, x2, y2 = box
        return x1 - TOLERANCE <= x <= x2 + TOLERANCE and y1 - TOLERANCE <= y <= y2 + TOLERANCE

    def _find(self, index: int) -> int:
        while self.owner[index] != index:
            self.owner[index] = self.owner[self.owner[index]]
            index = self.owner[index]
        return index

    def _join(self, one: int, other: int) -> None:
        self.owner[self._find(one)] = self._find(other)

    def pieces_ending_at(self, point) -> set[int]:
        """The pieces holding a child line that ends at this point."""
        return {
            self._find(index)
            for index, line in enumerate(self.lines)
            if line.group == "child" and _close(line.points[-1], point)
        }

    def people_touched(self, piece: int) -> set[int]:
        """Everyone with a line of this piece ending on the edge of their symbol."""
        return self._touched().get(piece, set())

    def elders_touched(self, piece: int) -> set[int]:
        """Everyone a union or descent line of this piece starts or ends at: the people the
        piece shows as parents (child lines end at the children).
        """
        return self._touched(elders=True).get(piece, set())

    def pieces_touching(self, person: int) -> set[int]:
        """The pieces with a line ending on the edge of this person's symbol."""
        return {piece for piece, people in self._touched().items() if person in people}

    def _touched(self, *, elders: bool = False) -> dict[int, set[int]]:
        if elders not in self._touch:
            touched: dict[int, set[int]] = defaultdict(set)
            for index, line in enumerate(self.lines):
                if elders and line.group == "child":
                    continue
                for end in (line.points[0], line.points[-1]):
                    for person, box in self.boxes.items():
                        if self._at_symbol(end, box):
                            touched[self._find(index)].add(person)
            self._touch[elders] = touched
        return self._touch[elders]


def _close(p, q) -> bool:
    return abs(p[0] - q[0]) <= TOLERANCE and abs(p[1] - q[1]) <= TOLERANCE


def _hanging_from(family: Family) -> dict[int, frozenset[int]]:
    """The couple each child hangs from: two partners among the child's closest parents
    (biological if known, else adoptive, else foster), the first such pair by id.
    """
    couples = {frozenset((k.a, k.b)) for k in _unions(family)}
    by_child: dict[int, list[Link]] = defaultdict(list)
    for link in _parentage(family):
        by_child[link.b].append(link)
    hanging = {}
    for child, links in by_child.items():
        best = min(RANK[k.kind] for k in links)
        closest = sorted(k.a for k in links if RANK[k.kind] == best)
        pairs = [
            frozenset((one, other))
            for index, one in enumerate(closest)
            for other in closest[index + 1 :]
            if frozenset((one, other)) in couples
        ]
        if pairs:
            hanging[child] = pairs[0]
    return hanging


def _birth_order_key(person: PersonNode) -> tuple:
    return (person.birth_year is None, person.birth_year or 0)


# -- 1. no overlaps -------------------------------------------------------------------------


@MAIN
@given(any_families)
def test_symbols_and_labels_never_overlap(family):
    """If this fails, two people's symbols are drawn over each other, or two neighbours' names
    run into each other (also after the facilitator nudged someone).
    """
    layout = lay_out(family)
    ids = list(layout.positions)
    for index, one in enumerate(ids):
        x1, y1 = layout.positions[one]
        for other in ids[index + 1 :]:
            x2, y2 = layout.positions[other]
            assert abs(x1 - x2) >= 2 * HALF or abs(y1 - y2) >= 2 * HALF, (one, other)
    for row in layout.rows:
        assert len({layout.positions[p][1] for p in row}) <= 1
        for left, right in pairwise(row):
            gap = layout.positions[right][0] - layout.positions[left][0]
            assert gap >= SPACING - TOLERANCE, (left, right, gap)


# -- 2. generations in order ----------------------------------------------------------------


@MAIN
@given(any_families)
def test_children_below_parents_and_partners_side_by_side(family):
    """If this fails, a child is drawn level with or above a parent, or two partners stand in
    different rows.
    """
    layout = lay_out(family)
    for link in _parentage(family):
        assert layout.generation[link.b] > layout.generation[link.a], link
        assert layout.positions[link.b][1] > layout.positions[link.a][1], link
    for link in _unions(family):
        assert layout.generation[link.a] == layout.generation[link.b], link
        assert layout.positions[link.a][1] == layout.positions[link.b][1], link
    for number, row in enumerate(layout.rows):
        assert all(layout.generation[p] == number for p in row)


# -- 3. children under their parents --------------------------------------------------------


@MAIN
@given(any_families)
def test_every_child_is_joined_to_each_parent(family):
    """If this fails, a child's line does not reach the top of their symbol, or the ink from a
    parent (their union line, or their own line) does not run unbroken down to the child.
    """
    layout = lay_out(family)
    drawing = _Drawing(layout)
    for link in _parentage(family):
        top = _top(layout, link.b)
        ending = drawing.pieces_ending_at(top)
        assert ending, f"no line reaches the top of {link.b}"
        assert ending & drawing.pieces_touching(link.a), f"{link.a} is not joined to {link.b}"
    for line in layout.lines:
        if line.group == "child":
            assert line.points[-1] in {_top(layout, p) for p in layout.positions}


@MAIN
@given(any_families)
def test_no_child_seems_to_descend_from_someone_else(family):
    """If this fails, the ink leading up from a child also reaches someone who is not their
    parent (a lone parent's line drawn down the middle of their couple's line, say), so the child
    seems to belong to the wrong people.
    """
    layout = lay_out(family)
    drawing = _Drawing(layout)
    parents: dict[int, set[int]] = defaultdict(set)
    for link in _parentage(family):
        parents[link.b].add(link.a)
    for child in parents:
        for piece in drawing.pieces_ending_at(_top(layout, child)):
            strangers = drawing.elders_touched(piece) - parents[child]
            assert not strangers, (child, strangers)


@MAIN
@given(families())
def test_siblings_stand_together_oldest_first(family):
    """If this fails, brothers and sisters of the same couple are split up by someone else in
    their row, or are not drawn from the oldest on the left to the youngest on the right.

    A sibling who married someone with parents of their own (drawn in the same row) belongs to two
    families at once; no order can keep both sibling groups together, so such groups are left out.
    """
    layout = lay_out(family)
    people = {p.id: p for p in family.people}
    has_parents = {k.b for k in _parentage(family)}
    groups: dict[frozenset[int], list[int]] = defaultdict(list)
    for child, parents in _hanging_from(family).items():
        groups[parents].append(child)
    partners: dict[int, set[int]] = defaultdict(set)
    for link in _unions(family):
        partners[link.a].add(link.b)
        partners[link.b].add(link.a)
    for siblings in groups.values():
        if len(siblings) < 2:
            continue
        row = layout.rows[layout.generation[siblings[0]]]
        assert all(layout.generation[c] == layout.generation[siblings[0]] for c in siblings)
        # Each sibling with their partners (and their partners' partners) stands as one block.
        blocks = []
        for sibling in siblings:
            block, todo = {sibling}, [sibling]
            while todo:
                for partner in partners[todo.pop()]:
                    if partner not in block:
                        block.add(partner)
                        todo.append(partner)
            blocks.append(block)
        allowed = set().union(*blocks)
        if any(len(block & set(siblings)) > 1 for block in blocks) or any(
            p in has_parents and p not in siblings for p in allowed
        ):
            continue
        places = sorted(row.index(c) for c in siblings)
        between = row[places[0] : places[-1] + 1]
        assert set(between) <= allowed, (siblings, between)
        in_row_order = [p for p in row if p in siblings]
        keys = [_birth_order_key(people[p]) for p in in_row_order]
        assert keys == sorted(keys), in_row_order


# -- 4. lines clear of symbols --------------------------------------------------------------


def test_crossing_helper():
    """The segment-rectangle test used below: edges and corners touch, they do not cross."""
    box = (0, 0, 10, 10)
    assert crosses_interior((-5, 5), (15, 5), box)
    assert crosses_interior((5, -5), (5, 5), box)
    assert crosses_interior((-5, -5), (15, 15), box)
    assert crosses_interior((4, 4), (6, 6), box)
    assert not crosses_interior((-5, 0), (15, 0), box)
    assert not crosses_interior((10, -5), (10, 15), box)
    assert not crosses_interior((5, -5), (5, 0), box)
    assert not crosses_interior((-5, 5), (0, 5), box)
    assert not crosses_interior((-5, 5), (15, -15), box)
    assert not crosses_interior((-1, 0), (0, -1), box)
    assert not crosses_interior((20, 20), (30, 30), box)


@MAIN
@given(any_families)
def test_no_line_runs_through_a_symbol(family):
    """If this fails, a union, descent, child or feeling line is drawn across someone's symbol."""
    layout = lay_out(family)
    boxes = {p: _shrunk(layout, p) for p in layout.positions}
    for line in layout.lines:
        for p, q in pairwise(line.points):
            for person, box in boxes.items():
                assert not crosses_interior(p, q, box), (line, person)


# -- 5. deterministic -----------------------------------------------------------------------


@MAIN
@given(any_families, st.data())
def test_same_family_same_picture(family, data):
    """If this fails, the genogram jumps about between two views of the same family, or changes
    when people or lines were added in a different order.
    """
    first, again = lay_out(family), lay_out(family)
    assert first.positions == again.positions
    assert first.lines == again.lines
    shuffled = Family(
        tuple(data.draw(st.permutations(family.people))),
        tuple(data.draw(st.permutations(family.links))),
        family.households,
    )
    other = lay_out(shuffled)
    assert other.positions == first.positions
    assert other.rows == first.rows
    assert other.lines == first.lines


# -- 6. everyone on the page ----------------------------------------------------------------


def _on_the_page(family: Family, layout: Layout) -> None:
    ids = {p.id for p in family.people}
    assert set(layout.positions) == ids
    assert set(layout.generation) == ids
    assert sorted(p for row in layout.rows for p in row) == sorted(ids)
    assert math.isfinite(layout.width) and math.isfinite(layout.height)
    for x, y in layout.positions.values():
        assert math.isfinite(x) and math.isfinite(y)
        assert 0 < x < layout.width and 0 < y < layout.height
    for line in layout.lines:
        for x, y in line.points:
            assert 0 <= x <= layout.width and 0 <= y <= layout.height, line


@MAIN
@given(any_families)
def test_everyone_is_placed_on_the_page(family):
    """If this fails, someone is missing from the genogram or drawn (or a line runs) off the
    edge of the picture.
    """
    _on_the_page(family, lay_out(family))


# -- 7. robust on any input -----------------------------------------------------------------


@st.composite
def anything(draw) -> Family:
    """Any family at all, consistent or not: self-links, unknown ids, cycles, odd kinds."""
    ids = draw(st.lists(st.integers(0, 20), min_size=1, max_size=15, unique=True))
    people = tuple(
        PersonNode(
            pid,
            sex=draw(st.sampled_from((*SEXES, "other"))),
            birth_year=draw(st.none() | st.integers(1800, 2030)),
            household_id=draw(st.none() | st.integers(0, 3)),
            twin_group=draw(st.none() | st.integers(0, 3)),
            nudge_x=draw(st.sampled_from((0.0, 0.0, -1e4, -200.5, 65.0, 1e4))),
        )
        for pid in ids
    )
    known = st.sampled_from(ids)
    someone = known | st.integers(-2, 25)
    kinds = st.sampled_from((*UNION_KINDS, "biological", *CARE_KINDS, *EMOTIONAL_KINDS, "odd"))
    links = draw(
        st.lists(
            st.builds(
                Link,
                id=st.integers(0, 40),
                group=st.sampled_from(("union", "parentage", "parentage", "emotional", "odd")),
                kind=kinds,
                a=known | someone,
                b=known | someone,
                start_year=st.none() | st.integers(1900, 2030),
                end_year=st.none() | st.integers(1900, 2030),
            ),
            max_size=30,
        )
    )
    households = tuple((h, f"Home {h}") for h in range(draw(st.integers(0, 2))))
    return Family(people, tuple(links), households)


@MAIN
@given(anything())
def test_any_input_is_laid_out(family):
    """If this fails, a mistake in the family's data (a person as their own parent, a line to
    someone deleted, a loop of parents, partners a generation apart) breaks the whole genogram.
    """
    layout = lay_out(family)
    _on_the_page(family, layout)
    for row in layout.rows:
        for left, right in pairwise(row):
            assert layout.positions[right][0] - layout.positions[left][0] >= SPACING - TOLERANCE


def test_parentage_loop_and_misfits_are_laid_out():
    """If this fails, a loop of parents, a self-link, a link to a deleted person or partners a
    generation apart stops the genogram from being drawn.
    """
    people = tuple(PersonNode(i, sex=s) for i, s in [(1, "male"), (2, "female"), (3, "male")])
    links = (
        Link(1, "parentage", "biological", 1, 2),
        Link(2, "parentage", "biological", 2, 3),
        Link(3, "parentage", "biological", 3, 1),
        Link(4, "union", "married", 1, 1),
        Link(5, "union", "married", 2, 99),
        Link(6, "union", "married", 1, 3),
        Link(7, "emotional", "close", 3, 3),
    )
    _on_the_page(Family(people, links), lay_out(Family(people, links)))


# -- worked examples ------------------------------------------------------------------------


def _three_generations() -> Family:
    people = (
        PersonNode(1, "Grandfather", "male", 1950),
        PersonNode(2, "Grandmother", "female", 1952),
        PersonNode(3, "Mother", "female", 1975),
        PersonNode(4, "Father", "male", 1973),
        PersonNode(5, "New partner", "male", 1970),
        PersonNode(6, "Younger child", "female", 2004),
        PersonNode(7, "Older child", "male", 2000),
    )
    links = (
        Link(1, "union", "married", 1, 2, 1972),
        Link(2, "parentage", "biological", 1, 3),
        Link(3, "parentage", "biological", 2, 3),
        Link(4, "union", "cohabiting", 3, 5, 2012),
        Link(5, "union", "divorced", 3, 4, 1998, 2010),
        Link(6, "parentage", "biological", 3, 6),
        Link(7, "parentage", "biological", 4, 6),
        Link(8, "parentage", "biological", 3, 7),
        Link(9, "parentage", "biological", 4, 7),
    )
    return Family(people, links)


def test_three_generations():
    """Grandparents on top; the mother between her first (divorced) partner on the left and her
    new partner on the right; the children below, the older one on the left.
    """
    layout = lay_out(_three_generations())
    x = {p: xy[0] for p, xy in layout.positions.items()}
    y = {p: xy[1] for p, xy in layout.positions.items()}
    assert y[1] == y[2] < y[3] == y[4] == y[5] < y[6] == y[7]
    assert x[4] < x[3] < x[5]
    assert layout.rows[1] == [4, 3, 5]
    assert x[7] < x[6]
    # The children hang between their parents, not under the new partner.
    assert x[4] < (x[6] + x[7]) / 2 < x[5]
    children = [line for line in layout.lines if line.group == "child"]
    assert sorted(line.points[-1] for line in children) == sorted(
        [_top(layout, 6), _top(layout, 7), _top(layout, 3)]
    )
    divorce = next(line for line in layout.lines if line.link_id == 5)
    assert divorce.group == "union" and divorce.kind == "divorced"
    assert divorce.points == [(x[4] + HALF, y[4]), (x[3] - HALF, y[3])]


def test_three_partners():
    """Someone with three partners: the first beside them on the left, the second on the right,
    the third further out on the left; every union drawn once, clear of the symbols, and each
    couple's child joined to both parents.
    """
    people = (
        PersonNode(1, "Pat", "female", 1960),
        PersonNode(2, "First", "male", 1958),
        PersonNode(3, "Second", "male", 1959),
        PersonNode(4, "Third", "male", 1961),
        PersonNode(5, "Child of first", "female", 1982),
        PersonNode(6, "Child of second", "male", 1992),
        PersonNode(7, "Child of third", "female", 2002),
    )
    links = (
        Link(1, "union", "divorced", 1, 2, 1980, 1988),
        Link(2, "union", "divorced", 1, 3, 1990, 1998),
        Link(3, "union", "married", 1, 4, 2000),
        *(
            Link(10 + index, "parentage", "biological", parent, child)
            for index, (parent, child) in enumerate(
                [(1, 5), (2, 5), (1, 6), (3, 6), (1, 7), (4, 7)]
            )
        ),
    )
    family = Family(people, links)
    layout = lay_out(family)
    assert layout.rows[0] == [4, 2, 1, 3]
    assert layout.rows[1] == [7, 5, 6]
    assert sorted(line.link_id for line in layout.lines if line.group == "union") == [1, 2, 3]
    drawing = _Drawing(layout)
    for link in _parentage(family):
        assert drawing.pieces_ending_at(_top(layout, link.b)) & drawing.pieces_touching(link.a)
    boxes = {p: _shrunk(layout, p) for p in layout.positions}
    for p, q in _segments(layout):
        assert not any(crosses_interior(p, q, box) for box in boxes.values())


def test_lone_parent_between_two_partners():
    """A mother between her former and her present partner, with a child of each and a child
    whose father is not on the map: that child's line does not come down the middle of either
    couple's union line (it would say the child is theirs) but goes over the row to a free place.
    """
    people = (
        PersonNode(1, "Mother", "female", 1975),
        PersonNode(2, "Former partner", "male", 1972),
        PersonNode(3, "Partner", "male", 1974),
        PersonNode(4, "Child of the former", "female", 1996),
        PersonNode(5, "Child of the partner", "male", 2012),
        PersonNode(6, "Child, father unknown", "female", 2003),
    )
    links = (
        Link(1, "union", "divorced", 1, 2, 1995, 2000),
        Link(2, "union", "married", 1, 3, 2010),
        Link(3, "parentage", "biological", 1, 4),
        Link(4, "parentage", "biological", 2, 4),
        Link(5, "parentage", "biological", 1, 5),
        Link(6, "parentage", "biological", 3, 5),
        Link(7, "parentage", "biological", 1, 6),
    )
    layout = lay_out(Family(people, links))
    assert layout.rows[0] == [2, 1, 3]
    drawing = _Drawing(layout)
    for child, parents in ((4, {1, 2}), (5, {1, 3}), (6, {1})):
        pieces = drawing.pieces_ending_at(_top(layout, child))
        assert pieces
        for piece in pieces:
            assert drawing.people_touched(piece) - {child} == parents
    x, y = layout.positions[1]
    own = next(line for line in layout.lines if line.points[0] == (x - 14, y - HALF))
    assert own.group == "descent" and own.points[1][1] < y - HALF


def test_partners_whose_families_are_drawn_to_different_depths():
    """Finn, a grandchild of Bo, lives with Gus, a child of Bo's former partner's next partner
    Cy. Partners share a row, so Gus is drawn a row lower than Cy's children would be; everyone
    stays below their parents (the rows once ran away, one more round after another).
    """
    people = tuple(
        PersonNode(i, name, "male")
        for i, name in enumerate(("Bo", "Alex", "Cy", "Dee", "Ed", "Finn", "Gus"), start=1)
    )
    links = (
        Link(1, "union", "divorced", 1, 2, 1918),
        Link(2, "union", "married", 2, 3, 1919),
        Link(3, "parentage", "biological", 3, 7),
        Link(4, "parentage", "biological", 1, 4),
        Link(5, "union", "married", 5, 4),
        Link(6, "parentage", "biological", 5, 6),
        Link(7, "union", "cohabiting", 6, 7, 1977),
    )
    layout = lay_out(Family(people, links))
    assert layout.generation == {1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 2, 7: 2}


def test_child_drawn_lower_than_their_siblings():
    """A child whose partner's family is drawn a generation deeper stands a row below their
    sibling; their line still leaves from their parent's bar, unbroken, and runs clear of the
    symbols in the row it passes.
    """
    people = tuple(PersonNode(i, f"Person {i}", "male") for i in range(1, 12))
    links = (
        Link(1, "parentage", "biological", 1, 3),
        Link(2, "parentage", "biological", 2, 6),
        Link(3, "parentage", "biological", 3, 7),
        Link(4, "parentage", "biological", 3, 8),
        Link(5, "parentage", "biological", 4, 9),
        Link(6, "parentage", "biological", 5, 10),
        Link(7, "parentage", "biological", 5, 11),
        Link(8, "union", "widowed", 11, 7, 2004),
    )
    family = Family(people, links)
    layout = lay_out(family)
    assert layout.generation[11] == layout.generation[10] + 1
    drawing = _Drawing(layout)
    for link in _parentage(family):
        assert drawing.pieces_ending_at(_top(layout, link.b)) & drawing.pieces_touching(link.a)
    boxes = {p: _shrunk(layout, p) for p in layout.positions}
    for p, q in _segments(layout):
        assert not any(crosses_interior(p, q, box) for box in boxes.values())
