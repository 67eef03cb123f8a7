"""Nightly-size mutation fuzzing: every golden and lab capture through parse, diagnose, lint.

Run: ``.venv/bin/python bench/fuzz.py [--count 100000] [--seed 1] [--start 0]``. The mutators
and targets are those of ``tests/fuzzing.py`` (``make test`` runs 400 of them with a fixed
seed). Prints the number of mutations, the time, and every distinct crash with the seed and
index that reproduce it; exits 1 when there is one. The only exception allowed is ParseError.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.fuzzing

from tests.fuzzing import Crash, run, samples


def _kind(crash: Crash) -> str:
    return crash.error.strip().splitlines()[-1][:160]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    started = time.perf_counter()
    outcome = run(args.seed, args.count)
    took = time.perf_counter() - started
    print(
        f"{outcome.mutations} mutations of {len(samples())} captures (seed {args.seed}) "
        f"through parse, diagnose and lint in {took:.0f} s: {len(outcome.crashes)} crashes"
    )
    kinds = Counter(_kind(c) for c in outcome.crashes)
    shown: set[str] = set()
    for crash in outcome.crashes:
        if _kind(crash) in shown:
            continue
        shown.add(_kind(crash))
        print(f"\n{kinds[_kind(crash)]} x {_kind(crash)}")
        print(f"  first: {crash.sample} via {crash.target}, seed {crash.seed} index {crash.index}")
        print("  " + crash.error.strip().replace("\n", "\n  "))
    return 1 if outcome.crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
