"""What the benchmark asks for, shared by ``run.py`` and ``inprocess.py``."""

import math
from urllib.parse import urlencode

#: The search mix: (kind, query arguments). Prefixes as typed letter by
#: letter, common words, several words, filters, a rare word and a miss.
QUERIES = [
    ("prefix", {"q": "j"}),
    ("prefix", {"q": "je"}),
    ("prefix", {"q": "jer"}),
    ("prefix", {"q": "jere"}),
    ("prefix", {"q": "jerew"}),
    ("prefix", {"q": "jereweh"}),
    ("common", {"q": "jalan"}),
    ("common", {"q": "jembatan"}),
    ("common", {"q": "drainase"}),
    ("words", {"q": "jembatan kalimantan"}),
    ("words", {"q": "paku jalan banjar"}),
    ("words", {"q": "ppk 2"}),
    ("filter", {"provinsi": "63"}),
    ("filter", {"q": "jalan", "provinsi": "63"}),
    ("rare", {"q": "digital"}),
    ("miss", {"q": "xylofon"}),
]

#: Rounds over the whole mix after the warm-up (16 queries x 15 = 240).
SEARCH_ROUNDS = 15
#: Requests of the full first page after its warm-up.
PAGE_REPEATS = 200

#: Every browser asks for gzip, so compression is part of the server time.
PAGE_HEADERS = {"Accept-Encoding": "gzip"}
FRAGMENT_HEADERS = {**PAGE_HEADERS, "HX-Request": "true"}

#: Targets from DESIGN.md, "Quality bars".
TARGET_P95_MS = 20.0
TARGET_RPS = 300.0
TARGET_FIRST_VISIT = 20 * 1024
TARGET_REPEAT_VISIT = 4 * 1024
TARGET_FRAGMENT = 2 * 1024


def path_for(args):
    """The catalogue address for query arguments ``args``."""
    return "/program?" + urlencode(args) if args else "/program"


def label_for(args):
    """A short readable name for query arguments ``args``."""
    parts = []
    if "q" in args:
        parts.append(f'"{args["q"]}"')
    if "provinsi" in args:
        parts.append(f"provinsi={args['provinsi']}")
    return " ".join(parts) or "(none)"


def percentile(values, pct):
    """Nearest-rank percentile of ``values`` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(values):
    """n, p50, p95 and max of a list of milliseconds."""
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "max": max(values) if values else None,
    }
