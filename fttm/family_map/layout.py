"""Automatic genogram layout: generations in rows, couples side by side, children under their
parents (oldest on the left), and every line routed so that it never crosses a symbol.

The layout works on plain data (`Family`), not on database rows, so it can be tested on any family
and timed on its own. It is deterministic: the same family always gives the same picture.

How lines stay clear of symbols: each row is a band holding the symbols and their labels, and
between two rows is a gap. Horizontal lines run only in gaps (each on its own lane, so two lines
never run on top of each other) or between two partners standing side by side. Vertical lines
through a band run only in a channel: the free space between two neighbours' labels.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

SYMBOL = 40  # width and height of a person's symbol
HALF = SYMBOL / 2
SPACING = 130  # least distance between the centres of two neighbours in a row
FAMILY_GAP = 30  # extra room between neighbours of different families
BLOCK = 58  # half the width of a symbol with its label; channels lie outside it
LABEL_HEIGHT = 52  # room for the name (two lines) and the years under a symbol
GAP_BASE = 34  # height of an empty gap between two rows
LANE = 9  # distance between two lanes in a gap
MARGIN = 40
TOP = 30  # room above the first row
BLOOD_RANK = {"biological": 0, "adopted": 1, "foster": 2}


@dataclass(frozen=True)
class PersonNode:
    """One person as the layout needs them."""

    id: int
    name: str = ""
    sex: str = "unknown"
    birth_year: int | None = None
    death_year: int | None = None
    deceased: bool = False
    focus: bool = False
    pregnancy_loss: bool = False
    household_id: int | None = None
    twin_group: int | None = None
    nudge_x: float = 0.0


@dataclass(frozen=True)
class Link:
    """A line between two people. For parentage, `a` is the parent and `b` the child."""

    id: int
    group: str  # "union", "parentage" or "emotional"
    kind: str
    a: int
    b: int
    start_year: int | None = None
    end_year: int | None = None


@dataclass(frozen=True)
class Family:
    """Everything drawn on one genogram."""

    people: tuple[PersonNode, ...]
    links: tuple[Link, ...] = ()
    households: tuple[tuple[int, str], ...] = ()


@dataclass
class Line:
    """A drawn line: a polyline of points, its kind and what it stands for."""

    group: str  # union, descent, child, emotional
    kind: str
    points: list[tuple[float, float]]
    link_id: int | None = None
    # For unions: where the slashes or the dates go.
    mid: tuple[float, float] | None = None


@dataclass
class Box:
    """A household boundary around neighbours in one row."""

    household_id: int
    name: str
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Layout:
    """Where every person stands and how every line runs."""

    width: float
    height: float
    positions: dict[int, tuple[float, float]]
    generation: dict[int, int]
    rows: list[list[int]]
    lines: list[Line] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)

    def symbol_box(self, person_id: int) -> tuple[float, float, float, float]:
        """The square a person's symbol takes (x1, y1, x2, y2)."""
        x, y = self.positions[person_id]
        return (x - HALF, y - HALF, x + HALF, y + HALF)


# -- generations ---------------------------------------------------------------------------


def _generations(family: Family, parents_of, children_of, partners_of) -> dict[int, int]:
    """Rows for everyone: children below parents, partners in the same row, and people with no
    parents drawn just above their children rather than at the very top.
    """
    ids = [p.id for p in family.people]
    gen = dict.fromkeys(ids, 0)
    # Partners, their partners and so on stand in one row, so they are lifted together: lifting
    # one person alone would drag their partners' children down, and with them the person's own
    # nearest child, round after round.
    together: dict[int, list[int]] = {}
    for person in ids:
        if person in together:
            continue
        group, todo = [person], [person]
        while todo:
            for partner in partners_of[todo.pop()]:
                if partner not in group:
                    group.append(partner)
                    todo.append(partner)
        for member in group:
            together[member] = group
    limit = 4 * len(ids) + 8  # enough for any consistent family; stops on an impossible one
    for _round in range(limit):
        changed = False
        for child in ids:
            for parent in parents_of[child]:
                if gen[child] < gen[parent] + 1:
                    gen[child] = gen[parent] + 1
                    changed = True
        for person in ids:
            for partner in partners_of[person]:
                if gen[partner] < gen[person]:
                    gen[partner] = gen[person]
                    changed = True
        for person in ids:
            # Someone with no parents drawn sits right above the nearest child of their group
            # (they, their partners and so on), as long as nobody in the group has parents of
            # their own holding them up.
            group = together[person]
            if any(parents_of[member] for member in group):
                continue
            below = [gen[child] for member in group for child in children_of[member]]
            if below and min(below) - 1 > gen[person]:
                gen[person] = min(below) - 1
                changed = True
        if not changed:
            break
    low = min(gen.values(), default=0)
    return {person: g - low for person, g in gen.items()}


# -- units: partners kept side by side ------------------------------------------------------


def _arrange(person, partners_of, start, sex, placed) -> list[int]:
    """`person` and their partners in a row: the first partner on the left, the next on the
    right, and so on; each partner's own other partners further out on their side.
    """
    placed.add(person)
    others = sorted(
        (p for p in partners_of[person] if p not in placed), key=lambda p: (start(person, p), p)
    )
    placed.update(others)
    left: list[int] = []
    right: list[int] = []
    if len(others) == 1:
        # One couple: by convention the man on the left, the woman on the right.
        if sex[others[0]] == "male" and sex[person] != "male":
            left = others
        else:
            right = others
    else:
        for number, partner in enumerate(others):
            (left if number % 2 == 0 else right).append(partner)
    row: list[int] = []
    for partner in left:
        row = [*reversed(_outward(partner, partners_of, start, placed)), *row]
    row.append(person)
    for partner in right:
        row.extend(_outward(partner, partners_of, start, placed))
    return row


def _outward(partner, partners_of, start, placed) -> list[int]:
    """A partner and, further out from the person they stand beside, their other partners."""
    further = sorted(
        (p for p in partners_of[partner] if p not in placed), key=lambda p: (start(partner, p), p)
    )
    placed.update(further)
    chain = [partner]
    for other in further:
        chain.extend(_outward(other, partners_of, start, placed))
    return chain


@dataclass
class _Unit:
    """People who stand together in a row: someone and their partners."""

    members: list[int]
    x: float = 0.0  # centre of the first member

    @property
    def width(self) -> float:
        return (len(self.members) - 1) * SPACING

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


def _units(row_people, partners_of, start, sex) -> list[_Unit]:
    """A row's people grouped with their partners in the same row."""
    units, placed = [], set()
    in_row = set(row_people)
    same_row = {p: [q for q in partners_of[p] if q in in_row] for p in row_people}
    for person in sorted(row_people, key=lambda p: (-len(same_row[p]), p)):
        if person in placed:
            continue
        units.append(_Unit(_arrange(person, same_row, start, sex, placed)))
    return units


# -- placing units: least squares with order and spacing kept ------------------------------


def _settle(units: list[_Unit], targets: list[float], gaps: list[float]) -> None:
    """Move units as close as possible to their targets (least squares) while keeping their
    order and the spacing between them: isotonic regression by pooling adjacent violators.
    """
    if not units:
        return
    offsets = [0.0]
    for index in range(1, len(units)):
        previous = units[index - 1]
        offsets.append(offsets[-1] + previous.width + gaps[index - 1])
    # With x_i = y_i + offset_i, the spacing rule is y non-decreasing.
    wanted = [target - offset for target, offset in zip(targets, offsets, strict=True)]
    blocks: list[list[float]] = []  # [sum, count]
    for value in wanted:
        blocks.append([value, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    index = 0
    for total, count in blocks:
        for _member in range(count):
            units[index].x = total / count + offsets[index]
            index += 1


class _Genogram:
    """One layout in the making."""

    def __init__(self, family: Family):
        self.family = family
        self.people = {p.id: p for p in family.people}
        ids = sorted(self.people)
        self.parents_of: dict[int, list[int]] = {p: [] for p in ids}
        self.children_of: dict[int, list[int]] = {p: [] for p in ids}
        self.partners_of: dict[int, list[int]] = {p: [] for p in ids}
        self.parentage: dict[tuple[int, int], str] = {}
        self.unions: dict[frozenset, Link] = {}
        self.emotional: list[Link] = []
        for link in sorted(family.links, key=lambda k: k.id):
            if link.a not in self.people or link.b not in self.people or link.a == link.b:
                continue
            if link.group == "parentage":
                if (link.a, link.b) in self.parentage or link.b in self.parents_of[link.a]:
                    continue
                self.parentage[(link.a, link.b)] = link.kind
                self.parents_of[link.b].append(link.a)
                self.children_of[link.a].append(link.b)
            elif link.group == "union":
                pair = frozenset((link.a, link.b))
                if pair not in self.unions:
                    self.unions[pair] = link
                    self.partners_of[link.a].append(link.b)
                    self.partners_of[link.b].append(link.a)
            else:
                self.emotional.append(link)
        self.gen = _generations(family, self.parents_of, self.children_of, self.partners_of)
        self.families = self._families()
        self.children_by_family: dict[tuple[int, ...], list[int]] = defaultdict(list)
        for child, parents in sorted(self.families.items()):
            self.children_by_family[parents].append(child)
        self.families_of: dict[int, list[tuple[int, ...]]] = defaultdict(list)
        for parents in sorted(self.children_by_family):
            for parent in parents:
                self.families_of[parent].append(parents)

    # The family each child hangs from, and the other parents drawn with their own line.

    def _families(self) -> dict[int, tuple[int, ...]]:
        """Each child's main parents: the biological ones if known, else adoptive, else foster.

        Two main parents are drawn as one family only if they are partners; otherwise the
        child hangs from the first of them and the other has a line of their own.
        """
        main: dict[int, tuple[int, ...]] = {}
        for child, parents in self.parents_of.items():
            if not parents:
                continue
            ranked = sorted(parents, key=lambda p: (self._rank(p, child), p))
            best = self._rank(ranked[0], child)
            first = [p for p in ranked if self._rank(p, child) == best]
            pair = self._united_pair(first)
            main[child] = pair or (first[0],)
        return main

    def _rank(self, parent: int, child: int) -> int:
        """How close a parent is: biological, adoptive, foster; a kind not known comes last."""
        return BLOOD_RANK.get(self.parentage[(parent, child)], len(BLOOD_RANK))

    def _united_pair(self, parents: list[int]) -> tuple[int, ...] | None:
        """Two of these parents who are partners of each other (in the same row), if any."""
        for index, one in enumerate(parents):
            for other in parents[index + 1 :]:
                if frozenset((one, other)) in self.unions and self.gen[one] == self.gen[other]:
                    return tuple(sorted((one, other)))
        return None

    def start(self, one: int, other: int) -> tuple[int, int]:
        """When a union began (unknown last), for ordering partners."""
        link = self.unions.get(frozenset((one, other)))
        year = link.start_year if link and link.start_year is not None else 10_000
        return (year, link.id if link else 0)

    def birth_key(self, person: int) -> tuple:
        """Oldest first; people with no birth year after, in the order they were added."""
        born = self.people[person].birth_year
        return (born is None, born or 0, self.people[person].twin_group or 0, person)

    # Ordering and placing.

    def build(self) -> Layout:
        depth = max(self.gen.values(), default=-1) + 1
        sex = {p: self.people[p].sex for p in self.people}
        self.rows_units: list[list[_Unit]] = [
            _units(
                [p for p in sorted(self.people) if self.gen[p] == row],
                self.partners_of,
                self.start,
                sex,
            )
            for row in range(depth)
        ]
        self.x: dict[int, float] = {}
        for units in self.rows_units:
            self._place_compact(units)
        for _round in range(3):
            for row in range(1, depth):
                self._order(row, downward=True)
            for row in range(depth - 2, -1, -1):
                self._order(row, downward=False)
        for _round in range(4):
            for row in range(1, depth):
                self._pull(row, downward=True)
            for row in range(depth - 2, -1, -1):
                self._pull(row, downward=False)
        for row in range(1, depth):
            self._pull(row, downward=True)
        self._apply_nudges()
        return self._finish(depth)

    def _gap(self, left: _Unit, right: _Unit) -> float:
        """Spacing between two neighbouring units: more between different families."""
        same = self._family_of_unit(left) == self._family_of_unit(right)
        return SPACING + (0 if same else FAMILY_GAP)

    def _family_of_unit(self, unit: _Unit) -> tuple[int, ...] | None:
        for member in unit.members:
            if member in self.families:
                return self.families[member]
        return None

    def _place_compact(self, units: list[_Unit]) -> None:
        x = 0.0
        for index, unit in enumerate(units):
            if index:
                x += units[index - 1].width + self._gap(units[index - 1], unit)
            unit.x = x
            self._record(unit)

    def _record(self, unit: _Unit) -> None:
        for offset, member in enumerate(unit.members):
            self.x[member] = unit.x + offset * SPACING

    def _descent_x(self, parents: tuple[int, ...]) -> float:
        """Where a family's children hang from: between the partners, or beside a lone parent."""
        if len(parents) == 2:
            return (self.x[parents[0]] + self.x[parents[1]]) / 2
        return self.x[parents[0]] + SPACING / 2

    def _unit_key_down(self, unit: _Unit, fallback: float) -> tuple:
        """Where a unit belongs going down: under its members' parents, siblings by age."""
        anchors = [m for m in unit.members if m in self.families]
        if not anchors:
            return (fallback, (), ())
        places = [self._descent_x(self.families[m]) for m in anchors]
        first = min(anchors, key=lambda m: (self._descent_x(self.families[m]), m))
        return (sum(places) / len(places), self.families[first], self.birth_key(first))

    def _unit_key_up(self, unit: _Unit, fallback: float) -> tuple:
        """Where a unit with no parents drawn belongs going up: above its members' children.
        Units hanging from parents keep their place, so siblings stay together.
        """
        if any(m in self.families for m in unit.members):
            return (fallback, ())
        below = [
            self.x[child]
            for member in unit.members
            for child in self.children_of[member]
            if self.gen[child] > self.gen[member]
        ]
        if not below:
            return (fallback, ())
        return (sum(below) / len(below), ())

    def _order(self, row: int, *, downward: bool) -> None:
        units = self.rows_units[row]
        keyed = []
        for unit in units:
            fallback = unit.centre
            key = (
                self._unit_key_down(unit, fallback)
                if downward
                else self._unit_key_up(unit, fallback)
            )
            keyed.append((key, unit.members[0], unit))
        keyed.sort(key=lambda item: (item[0], item[1]))
        self.rows_units[row] = [unit for _key, _first, unit in keyed]
        self._place_compact(self.rows_units[row])

    def _targets_down(self, unit: _Unit) -> float | None:
        """Where a unit wants its centre so that each member's sibling group sits centred
        under their parents.
        """
        wishes = []
        for offset, member in enumerate(unit.members):
            parents = self.families.get(member)
            if not parents:
                continue
            siblings = self.children_by_family[parents]
            spread = sum(self.x[c] for c in siblings) / len(siblings)
            wanted = self._descent_x(parents) + (self.x[member] - spread)
            wishes.append(wanted - offset * SPACING + unit.width / 2)
        return sum(wishes) / len(wishes) if wishes else None

    def _targets_up(self, unit: _Unit) -> float | None:
        """Where a unit wants its centre so that each family's descent sits above the middle of
        its children.
        """
        wishes = []
        members = set(unit.members)
        keys = {key for m in unit.members for key in self.families_of[m] if set(key) <= members}
        for key in sorted(keys):
            children = self.children_by_family[key]
            middle = sum(self.x[c] for c in children) / len(children)
            wishes.append(middle - self._descent_x(key) + unit.centre)
        return sum(wishes) / len(wishes) if wishes else None

    def _pull(self, row: int, *, downward: bool) -> None:
        units = self.rows_units[row]
        targets = []
        for unit in units:
            target = self._targets_down(unit) if downward else self._targets_up(unit)
            targets.append(unit.centre if target is None else target)
        starts = [t - u.width / 2 for t, u in zip(targets, units, strict=True)]
        gaps = [self._gap(a, b) for a, b in pairwise(units)]
        _settle(units, starts, gaps)
        for unit in units:
            self._record(unit)

    def _apply_nudges(self) -> None:
        """The facilitator's nudges: a unit moves by its members' nudges, and may pass others."""
        for row, units in enumerate(self.rows_units):
            moves = [
                sum(self.people[m].nudge_x for m in unit.members) / len(unit.members)
                for unit in units
            ]
            if not any(moves):
                continue
            wanted = [unit.x + move for unit, move in zip(units, moves, strict=True)]
            order = sorted(range(len(units)), key=lambda i: (wanted[i], units[i].members[0]))
            units = [units[i] for i in order]
            wanted = [wanted[i] for i in order]
            gaps = [self._gap(a, b) for a, b in pairwise(units)]
            _settle(units, wanted, gaps)
            self.rows_units[row] = units
            for unit in units:
                self._record(unit)

    # Lines.

    def _finish(self, depth: int) -> Layout:
        left = min((x for x in self.x.values()), default=0.0)
        shift = MARGIN + BLOCK - left
        for person in self.x:
            self.x[person] += shift
        rows = [[m for unit in units for m in unit.members] for units in self.rows_units]
        router = _Router(self, rows, depth)
        return router.route()


class _Router:
    """Routes every line in gaps and channels, then fixes the rows' heights."""

    def __init__(self, genogram: _Genogram, rows: list[list[int]], depth: int):
        self.g = genogram
        self.rows = rows
        self.depth = depth
        self.blocks = [sorted(genogram.x[p] for p in row) for row in rows]
        # Horizontal runs per gap (gap r is above row r; gap `depth` is below the last row).
        self.runs: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
        self.union_lanes: dict[frozenset, tuple] = {}
        # Where each lone parent's line comes down, and the channels couples and lone parents
        # already use, so that no two families' lines come down on top of each other.
        self.lone_starts: dict[int, tuple[float, tuple]] = {}
        self.taken: set[float] = set()

    # Geometry helpers: a point is (x, ("gap", r) | ("top", r) | ("mid", r) | ("bottom", r)).

    def free(self, x: float, row: int) -> bool:
        """Whether a vertical line at x crosses row `row`'s band clear of symbols and labels."""
        return all(abs(x - other) >= BLOCK for other in self.blocks[row])

    def channel(self, near: float, rows: range) -> float:
        """The x nearest `near` that is free in all these rows."""
        if all(self.free(near, row) for row in rows):
            return near
        candidates = {near}
        for row in rows:
            for other in self.blocks[row]:
                candidates.update((other - SPACING / 2, other + SPACING / 2))
                candidates.update((other - BLOCK - 4, other + BLOCK + 4))
        good = [c for c in candidates if all(self.free(c, row) for row in rows)]
        return min(good, key=lambda c: (abs(c - near), c))

    def run(self, gap: int, x1: float, x2: float, layer: int) -> int:
        """Claim a horizontal run in a gap; returns its ticket (lanes are given out later).
        Family lines (layer 0) get the upper lanes, feelings (layer 1) lanes of their own.
        """
        ticket = len(self.runs[gap])
        self.runs[gap].append((layer, min(x1, x2), max(x1, x2), ticket))
        return ticket

    def route(self) -> Layout:
        g = self.g
        lines: list[_Draft] = []
        for pair, link in sorted(g.unions.items(), key=lambda item: item[1].id):
            lines.append(self._union(tuple(pair), link))
        for parents in sorted(set(g.families.values())):
            if len(parents) == 2:
                self.taken.add(round(self._descent_start(parents)[0], 1))
        for parents in sorted(set(g.families.values())):
            lines.extend(self._descent(parents))
        for (parent, child), kind in sorted(g.parentage.items()):
            if parent not in g.families.get(child, ()):
                lines.extend(self._descent((parent,), only=child, kind=kind, extra=True))
        for link in g.emotional:
            lines.append(self._emotional(link))
        return self._resolve([line for line in lines if line is not None])

    # Each kind of line as a draft whose horizontal gap runs get their lanes later.

    def _union(self, pair: tuple[int, int], link: Link) -> _Draft:
        g = self.g
        a, b = sorted(pair, key=lambda p: g.x[p])
        row = g.gen[a]
        if g.gen[a] != g.gen[b]:
            return self._emotional(link, group="union")
        if self._adjacent(a, b):
            draft = _Draft("union", link.kind, link.id)
            draft.points = [(g.x[a] + HALF, ("mid", row)), (g.x[b] - HALF, ("mid", row))]
            draft.mid = ((g.x[a] + g.x[b]) / 2, ("mid", row))
            return draft
        draft = _Draft("union", link.kind, link.id)
        lane = draft.claim(self, row, g.x[a], g.x[b])
        self.union_lanes[frozenset(pair)] = lane
        draft.points = [
            (g.x[a] + 8, ("top", row)),
            (g.x[a] + 8, lane),
            (g.x[b] - 8, lane),
            (g.x[b] - 8, ("top", row)),
        ]
        draft.mid = ((g.x[a] + g.x[b]) / 2, lane)
        return draft

    def _adjacent(self, a: int, b: int) -> bool:
        row = self.rows[self.g.gen[a]]
        return abs(row.index(a) - row.index(b)) == 1

    def _descent_start(self, parents: tuple[int, ...]) -> tuple[float, tuple]:
        """Where a family's descent line leaves the parents' row."""
        g = self.g
        if len(parents) == 2:
            a, b = sorted(parents, key=lambda p: g.x[p])
            row = g.gen[a]
            if self._adjacent(a, b):
                return (g.x[a] + g.x[b]) / 2, ("mid", row)
            # Partners apart (someone stands between them): the union runs above the row, and
            # the children's line comes down the channel next to the left partner.
            neighbour = self.rows[row][self.rows[row].index(a) + 1]
            return (g.x[a] + g.x[neighbour]) / 2, self.union_lanes[frozenset(parents)]
        return self._lone_start(parents[0])

    def _lone_start(self, parent: int) -> tuple[float, tuple]:
        """Where a lone parent's line leaves their row: in the channel beside them (the right
        one first) if it is neither between two partners (that is their couple's place) nor used
        by another family; failing both, over the row from the top of their symbol to the
        nearest channel that is neither.
        """
        if parent in self.lone_starts:
            return self.lone_starts[parent]
        g = self.g
        number = g.gen[parent]
        row = self.rows[number]
        usable = []
        for left, right in pairwise([None, *row, None]):
            if left is not None and right is not None and right in g.partners_of[left]:
                continue
            for edge, side in ((left, 1), (right, -1)):
                if edge is not None and round(g.x[edge] + side * SPACING / 2, 1) not in self.taken:
                    usable.append(g.x[edge] + side * SPACING / 2)
        x = g.x[parent]
        beside = [c for c in (x + SPACING / 2, x - SPACING / 2) if c in usable]
        if beside:
            start = beside[0], ("side", number, parent)
        else:
            if not usable:
                # Every channel in the row is used: one more beyond the row's right end.
                usable = [g.x[row[-1]] + SPACING / 2]
                while round(usable[0], 1) in self.taken:
                    usable[0] += 2 * LANE
            channel = min(usable, key=lambda c: (abs(c - x), c))
            ticket = self.run(number, x, channel, 0)
            start = channel, ("over", number, parent, ("lane", number, ticket))
        self.taken.add(round(start[0], 1))
        self.lone_starts[parent] = start
        return start

    def _descent(
        self,
        parents: tuple[int, ...],
        *,
        only: int | None = None,
        kind: str | None = None,
        extra: bool = False,
    ) -> list[_Draft]:
        g = self.g
        children = (
            [only] if only is not None else sorted(g.children_by_family[parents], key=g.birth_key)
        )
        children = [c for c in children if g.gen[c] > max(g.gen[p] for p in parents)]
        if not children:
            return []
        start_x, start = self._descent_start(parents)
        parent_row = max(g.gen[p] for p in parents)
        child_row = min(g.gen[c] for c in children)
        drafts: list[_Draft] = []
        trunk = _Draft("descent", kind or "biological", None)
        if start[0] == "side":
            stub = _Draft("descent", "biological", None)
            parent = start[2]
            side = 1 if start_x > g.x[parent] else -1
            stub.points = [
                (g.x[parent] + side * HALF, ("mid", parent_row)),
                (start_x, ("mid", parent_row)),
            ]
            drafts.append(stub)
        elif start[0] == "over":
            stub = _Draft("descent", "biological", None)
            parent, start = start[2], start[3]
            # Off the top's centre (their own child line) and the union and feeling lines' ends.
            top_x = g.x[parent] + (14 if start_x > g.x[parent] else -14)
            stub.points = [(top_x, ("top", parent_row)), (top_x, start), (start_x, start)]
            drafts.append(stub)
        points: list = [(start_x, start if start[0] == "lane" else ("mid", parent_row))]
        x = start_x
        between = range(parent_row + 1, child_row)
        if between and not all(self.free(x, row) for row in between):
            jog = trunk.claim(self, parent_row + 1, x, self.channel(x, between))
            new_x = self.channel(x, between)
            points += [(x, jog), (new_x, jog)]
            x = new_x
        # A child drawn lower than their siblings hangs from the bar by a channel of their own,
        # so the bar reaches that channel rather than the child.
        drops = {
            c: self.channel(g.x[c], range(child_row, g.gen[c]))
            for c in children
            if g.gen[c] != child_row
        }
        xs = [drops.get(c, g.x[c]) for c in children]
        twins = self._twin_points(children)
        bar_xs = [*xs, x]
        bar = trunk.claim(self, child_row, min(bar_xs), max(bar_xs))
        points.append((x, bar))
        trunk.points = points
        drafts.append(trunk)
        if max(bar_xs) > min(bar_xs):
            span = _Draft("descent", "biological", None)
            span.points = [(min(bar_xs), bar), (max(bar_xs), bar)]
            drafts.append(span)
        for child in children:
            line = _Draft("child", kind or g.parentage.get((parents[0], child), "biological"), None)
            if extra:
                line.kind = kind or "biological"
            top_row = g.gen[child]
            if top_row != child_row:
                # A child drawn lower than their siblings: down a channel from the bar.
                channel_x = drops[child]
                jog = line.claim(self, top_row, channel_x, g.x[child])
                line.points = [
                    (channel_x, bar),
                    (channel_x, jog),
                    (g.x[child], jog),
                    (g.x[child], ("top", top_row)),
                ]
            elif child in twins:
                line.points = [(twins[child], bar), (g.x[child], ("top", top_row))]
            else:
                line.points = [(g.x[child], bar), (g.x[child], ("top", top_row))]
            drafts.append(line)
        return drafts

    def _twin_points(self, children: list[int]) -> dict[int, float]:
        """Twins' lines start from one point on the bar."""
        groups: dict[int, list[int]] = defaultdict(list)
        for child in children:
            group = self.g.people[child].twin_group
            if group is not None:
                groups[group].append(child)
        points = {}
        for members in groups.values():
            if len(members) > 1:
                middle = sum(self.g.x[m] for m in members) / len(members)
                points.update(dict.fromkeys(members, middle))
        return points

    def _emotional(self, link: Link, *, group: str = "emotional") -> _Draft:
        g = self.g
        one, other = sorted((link.a, link.b), key=lambda p: (g.gen[p], g.x[p]))
        draft = _Draft(group, link.kind, link.id)
        draft.forward = one == link.a
        high, low = g.gen[one], g.gen[other]
        x_one = g.x[one] + (10 if g.x[other] >= g.x[one] else -10)
        x_other = g.x[other] + (-10 if g.x[other] >= g.x[one] else 10)
        if high == low:
            lane = draft.claim(self, high, x_one, x_other)
            draft.points = [
                (x_one, ("top", high)),
                (x_one, lane),
                (x_other, lane),
                (x_other, ("top", low)),
            ]
        else:
            rows = range(high, low)
            channel_x = self.channel((x_one + x_other) / 2, rows)
            lower = draft.claim(self, low, channel_x, x_other)
            upper = draft.claim(self, high, channel_x, x_one)
            draft.points = [
                (x_one, ("top", high)),
                (x_one, upper),
                (channel_x, upper),
                (channel_x, lower),
                (x_other, lower),
                (x_other, ("top", low)),
            ]
        (x1, y1), (x2, _y2) = draft.points[1], draft.points[2]
        draft.mid = ((x1 + x2) / 2, y1)
        return draft

    # Lanes, row heights, and the final coordinates.

    def _resolve(self, drafts: list[_Draft]) -> Layout:
        g = self.g
        lanes: dict[tuple[int, int], int] = {}
        counts: dict[int, int] = {}
        for gap, runs in self.runs.items():
            used = 0
            for layer in (0, 1):
                ends: list[float] = []  # the right end of the last run on each lane
                for _layer, x1, x2, ticket in sorted(r for r in runs if r[0] == layer):
                    for lane, end in enumerate(ends):
                        if x1 > end + 6:
                            ends[lane] = x2
                            break
                    else:
                        lane = len(ends)
                        ends.append(x2)
                    lanes[(gap, ticket)] = used + lane
                used += len(ends)
            counts[gap] = used
        gap_top: dict[int, float] = {}
        centre: dict[int, float] = {}
        y = TOP
        for row in range(self.depth + 1):
            gap_top[row] = y
            y += GAP_BASE + LANE * max(counts.get(row, 0) - 1, 0)
            if row < self.depth:
                centre[row] = y + HALF
                y += SYMBOL + LABEL_HEIGHT
        height = y + MARGIN / 2

        def place(where) -> float:
            if isinstance(where, float | int):
                return float(where)
            tag = where[0]
            if tag == "lane":
                _tag, gap, ticket = where
                return gap_top[gap] + GAP_BASE / 2 + LANE * lanes[(gap, ticket)] - 4
            if tag == "top":
                return centre[where[1]] - HALF
            if tag == "mid":
                return centre[where[1]]
            raise ValueError(where)

        lines = []
        for draft in drafts:
            points = [(round(x, 1), round(place(y), 1)) for x, y in draft.points]
            mid = None
            if draft.mid is not None:
                mid = (round(draft.mid[0], 1), round(place(draft.mid[1]), 1))
            line = Line(draft.group, draft.kind, points, draft.link_id, mid)
            if draft.group == "emotional" and not draft.forward:
                line.points.reverse()
            lines.append(line)
        positions = {p: (round(g.x[p], 1), round(centre[g.gen[p]], 1)) for p in g.x}
        width = max((x for x, _y in positions.values()), default=0) + BLOCK + MARGIN
        for line in lines:
            width = max(width, *(x + MARGIN for x, _y in line.points))
        layout = Layout(width, height, positions, dict(g.gen), self.rows, lines)
        layout.boxes = self._boxes(positions)
        return layout

    def _boxes(self, positions) -> list[Box]:
        """Household boundaries: one box around each run of neighbours living together."""
        names = dict(self.g.family.households)
        boxes = []
        for row in self.rows:
            runs: list[list[int]] = []
            for person in row:
                home = self.g.people[person].household_id
                if home is None or home not in names:
                    continue
                if (
                    runs
                    and self.g.people[runs[-1][-1]].household_id == home
                    and (row.index(runs[-1][-1]) == row.index(person) - 1)
                ):
                    runs[-1].append(person)
                else:
                    runs.append([person])
            for run in runs:
                home = self.g.people[run[0]].household_id
                xs = [positions[p][0] for p in run]
                y = positions[run[0]][1]
                boxes.append(
                    Box(
                        home,
                        names[home],
                        min(xs) - BLOCK + 2,
                        y - HALF - 12,
                        max(xs) + BLOCK - 2,
                        y + HALF + LABEL_HEIGHT - 4,
                    )
                )
        return boxes


class _Draft:
    """A line before the rows' heights are known: y values are symbolic places."""

    def __init__(self, group: str, kind: str, link_id: int | None):
        self.group = group
        self.kind = kind
        self.link_id = link_id
        self.points: list = []
        self.mid = None
        self.forward = True

    def claim(self, router: _Router, gap: int, x1: float, x2: float) -> tuple:
        """A lane in a gap for a horizontal run from x1 to x2."""
        ticket = router.run(gap, x1, x2, 1 if self.group in ("emotional", "union") else 0)
        return ("lane", gap, ticket)


def lay_out(family: Family) -> Layout:
    """Lay out a family's genogram."""
    if not family.people:
        return Layout(2 * MARGIN, 2 * MARGIN, {}, {}, [])
    return _Genogram(family).build()
