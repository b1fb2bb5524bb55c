"""A large, realistic family for the genogram benchmark: four generations, marriages in,
divorces and second partners, children born in order, a few emotional lines, households.
Seeded, so every run measures the same family.
"""

from __future__ import annotations

import random

from fttm.family_map.layout import Family, Link, PersonNode


def big_family(size: int = 60, seed: int = 4) -> Family:
    """A family of exactly `size` people."""
    rng = random.Random(seed)  # noqa: S311 - a seeded test family, not a secret
    people: list[PersonNode] = []
    links: list[Link] = []

    def person(sex: str, born: int, household: int | None = None) -> int:
        number = len(people) + 1
        people.append(
            PersonNode(number, f"Person {number} Family", sex, born, household_id=household)
        )
        return number

    def link(group: str, kind: str, a: int, b: int, start: int | None = None) -> None:
        links.append(Link(len(links) + 1, group, kind, a, b, start))

    couples = [(person("male", 1928), person("female", 1931))]
    link("union", "married", *couples[0], 1950)
    generation_born = 1952
    while len(people) < size:
        next_couples = []
        for father, mother in couples:
            for child_number in range(rng.randint(2, 4)):
                if len(people) >= size:
                    break
                sex = rng.choice(("male", "female"))
                child = person(sex, generation_born + 3 * child_number, household=len(couples))
                link("parentage", "biological", father, child)
                link("parentage", "biological", mother, child)
                if len(people) >= size or rng.random() < 0.25:
                    continue
                partner = person("female" if sex == "male" else "male", generation_born + 1)
                pair = (child, partner) if sex == "male" else (partner, child)
                link("union", rng.choice(("married", "cohabiting", "divorced")), *pair, 1990)
                next_couples.append(pair)
                if rng.random() < 0.3 and len(people) < size:
                    second = person("female" if sex == "male" else "male", generation_born + 2)
                    link("union", "married", child, second, 2005)
        couples = next_couples or couples
        generation_born += 22
    for _line in range(6):
        a, b = rng.sample(range(1, len(people) + 1), 2)
        link("emotional", rng.choice(("close", "conflict", "distant", "cut_off")), a, b)
    return Family(tuple(people), tuple(links), tuple((n, f"Home {n}") for n in range(8)))
