""""A rating that counts", "a good rating" and "a bad rating" are defined once, in bianmin/ratings/models.py
(COUNTED_Q, GOOD_Q, BAD_Q …, Rating.objects.counted() / .good() / .bad(), good_in for rollup rows). No other module
spells them out again: no filter on `excluded` or `is_default`, no hand-written list of good or bad levels, no
"very_satisfied + satisfied" in SQL. Database-free: it reads the source."""
import re
from pathlib import Path

import pytest

import bianmin

ROOT = Path(bianmin.__file__).parent
HOME = ROOT / "ratings" / "models.py"  # where the definitions live
FORBIDDEN = {
    "a filter on exclusion": r"\bexcluded\s*=\s*(True|False)\b|\bexcluded__",
    "a filter on default ratings": r"\bis_default\s*=\s*False\b|\bis_default__",
    "follow-ups left out by hand": r"exclude\(\s*stage\s*=",
    "bad ratings without the counted ones": r"\bis_bad\s*=\s*True\b",
    "good ratings added up by hand": r"(?i)\bvery_satisfied\b.*\+.*\bsatisfied\b",
    "a list of levels": r"[\[(]\s*(Level\.\w+|\"\w*satisfied\"),\s*(Level\.\w+|\"\w*satisfied\")\s*[\])]",
}


def sources():
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts or path == HOME:
            continue
        yield path


@pytest.mark.parametrize("what", list(FORBIDDEN))
def test_no_module_re_implements_which_ratings_count(what):
    pattern = re.compile(FORBIDDEN[what])
    found = [f"{path.relative_to(ROOT.parent)}:{n}: {line.strip()}"
             for path in sources() for n, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert not found, f"{what} — use ratings.models (Rating.objects.counted() & co.):\n" + "\n".join(found)


def test_the_patterns_would_catch_the_old_code():
    # What the code said before the one definition existed, one line of each kind.
    old = {
        "a filter on exclusion": 'counted = ratings.filter(is_default=False, excluded=False)',
        "a filter on default ratings": 'Rating.objects.filter(**{field: value}, is_default=False,',
        "follow-ups left out by hand": 'return Rating.objects.exclude(stage=Stage.FOLLOWUP)',
        "bad ratings without the counted ones": 'qs = Rating.objects.filter(is_bad=True)',
        "good ratings added up by hand": 'good = counts[Level.VERY_SATISFIED] + counts[Level.SATISFIED]',
        "a list of levels": '"bad": value in (Level.DISSATISFIED, Level.VERY_DISSATISFIED)}',
    }
    for what, line in old.items():
        assert re.search(FORBIDDEN[what], line), what
    assert re.search(FORBIDDEN["good ratings added up by hand"], 'good = (counts["very_satisfied"] or 0) + (counts["satisfied"] or 0)')
    assert re.search(FORBIDDEN["good ratings added up by hand"], 'CAST(very_satisfied + satisfied AS DOUBLE')
