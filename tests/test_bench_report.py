"""The benchmark report: a run of one bench replaces that bench's rows and keeps the others'."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import report  # noqa: E402


def _run(commit, when):
    return {"cpu": "CPU", "cores": 2, "memory": "1 GiB", "system": "Linux", "python": "3.11",
            "postgresql": "PG 15", "odoo": "19.0", "commit": commit, "when": when}


def _row(bench, operation, ours_ms, plain_ms=None):
    row = {"bench": bench, "operation": operation, "samples": 5, "note": "",
           "ours": {"label": "ours", "ms": ours_ms, "queries": 10}}
    if plain_ms:
        row["plain"] = {"label": "plain", "ms": plain_ms, "queries": 20}
    return row


def test_a_bench_run_alone_replaces_its_rows_and_keeps_the_others():
    old = _run("aaaaaaa", "2026-01-01 10:00 UTC")
    kept = {"runs": {"api": old, "flow": old},
            "rows": [_row("api", "create", 50, 100), _row("flow", "accept", 10, 20), _row("flow", "scan", 1)]}
    new = _run("bbbbbbb", "2026-02-01 10:00 UTC")
    rows, runs = report.merge(kept, [_row("flow", "accept", 5, 20), _row("returns", "receive", 30, 60)], new)
    assert [(r["bench"], r["operation"], r["ours"]["ms"]) for r in rows] == [
        ("api", "create", 50), ("flow", "accept", 5), ("returns", "receive", 30)]
    assert runs == {"api": old, "flow": new, "returns": new}
    text = report.render(rows, runs)
    assert "- api: 2026-01-01 10:00 UTC at commit `aaaaaaa`" in text
    assert "- flow, returns: 2026-02-01 10:00 UTC at commit `bbbbbbb`" in text
    assert "| flow | accept | 5 | `ours` | 5.0 | 10 | `plain` | 20.0 | 20 | 0.25 | 0.50 |" in text


def test_the_report_script_keeps_every_bench_in_its_json(tmp_path):
    keep, out = tmp_path / "results.json", tmp_path / "RESULTS.md"
    old = _run("aaaaaaa", "2026-01-01 10:00 UTC")
    keep.write_text(json.dumps({"runs": {"api": old}, "rows": [_row("api", "create", 50, 100)]}))
    results = tmp_path / "run.jsonl"
    results.write_text(json.dumps(_row("returns", "receive", 30, 60)) + "\n")
    subprocess.run([sys.executable, str(ROOT / "bench" / "report.py"), str(results), "--out", str(out),
                    "--keep", str(keep)], check=True, capture_output=True, cwd=ROOT)
    saved = json.loads(keep.read_text())
    assert [r["bench"] for r in saved["rows"]] == ["api", "returns"]
    assert saved["runs"]["api"] == old
    text = out.read_text()
    assert "| api | create |" in text and "| returns | receive |" in text
