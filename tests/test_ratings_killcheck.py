"""0 acknowledged ratings lost when the server is killed with SIGKILL mid-burst (issue 20): bench/killcheck.py on a
throwaway database of the suite's kind (PostgreSQL when DATABASE_URL names one, else SQLite), a few seconds of load
through gunicorn with the ratings' fast lane and its group commit."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_acknowledged_rating_is_lost_when_the_server_is_killed_mid_burst():
    url = os.environ.get("DATABASE_URL", "")
    kind = "postgres" if url.startswith("postgres") else "sqlite"
    env = dict(os.environ)
    if kind == "postgres":
        env["BENCH_PG_URL"] = url
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "killcheck.py"), "--db", kind, "--seconds", "2.5"],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, check=False)
    assert out.stdout.strip(), out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["acknowledged"] > 0, result  # the kill came mid-burst, after ratings were answered
    assert result["acknowledged_lost"] == 0 and result["acknowledged_wrong_level"] == 0, result
    assert result["stored_without_outbox_row"] == 0, result  # rating and outbox row committed together
    # What was sent but never answered is sent again: stored once (201), or found stored (200); never an error.
    assert set(result["resent_answers"]) <= {"200", "201"}, result
    assert result["sent_cases_with_one_rating_after"] == result["sent_cases"], result
    assert result["ok"], result
