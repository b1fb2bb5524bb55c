"""Read a py-spy profile (collapsed stacks): where the server spent its samples."""

from __future__ import annotations

from collections import Counter
from pathlib import Path


def top(path: Path, count: int = 25) -> dict[str, list[tuple[str, float]]]:
    """The frames with the most samples on top of the stack (self) and anywhere in it (total)."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        if not stack or not number.isdigit():
            continue
        frames = stack.split(";")
        samples += int(number)
        own[frames[-1]] += int(number)
        for frame in set(frames):
            total[frame] += int(number)
    return {"self": _shares(own, samples, count), "total": _shares(total, samples, count)}


def _shares(counter: Counter[str], samples: int, count: int) -> list[tuple[str, float]]:
    """The most common frames with their share of all samples."""
    return [(frame, round(n / max(1, samples), 3)) for frame, n in counter.most_common(count)]


if __name__ == "__main__":
    import sys

    result = top(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 25)
    for kind, rows in result.items():
        print(kind)
        for frame, part in rows:
            print(f"  {part:6.1%}  {frame[:150]}")
