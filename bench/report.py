"""Benchmark results: each bench script records its operations here, and this module, run as a
script, writes them as one markdown table with the machine they ran on.

In a bench script::

    import report
    report.record("flow", "accept", ours=("_cc_transition(accepted)", 11.2, 10),
                  plain=("action_confirm", 78.3, 74), samples=40)

Each record is one JSON line appended to the file named by the ``CC_BENCH_RESULTS`` environment
variable (nothing is written when it is unset). ``./run bench`` sets it, runs every
``bench/bench_*.py`` and then::

    python bench/report.py RESULTS.jsonl --out bench/RESULTS.md --readme README.md

writes the table to ``bench/RESULTS.md`` and between the ``<!-- bench:start -->`` and
``<!-- bench:end -->`` markers of the README. With ``--keep bench/results.json`` the rows of the
benches that ran replace theirs in that file and the others' are kept, each bench with the run
that measured it: ``./run bench NAME`` refreshes one bench's rows of the report.
"""

import argparse
import datetime
import json
import os
import platform
import re
import subprocess

RESULTS_ENV = "CC_BENCH_RESULTS"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def goal(text, met, detail):
    """The goal an operation is measured against: what it is, whether the run met it, and the
    figures that say so (for ``record(goal=...)``)."""
    return {"text": text, "met": bool(met), "detail": detail}


def ratio_goal(text, ours, plain, *, at_most=None, at_least_faster=None):
    """A goal on the ratios of ``ours`` over ``plain`` ((ms, queries) each): both at most
    ``at_most``, or ``at_least_faster`` times the speed with fewer queries."""
    time_ratio, query_ratio = ours[0] / plain[0], ours[1] / plain[1]
    if at_most is not None:
        met = time_ratio <= at_most and query_ratio <= at_most
        return goal(text, met, f"{time_ratio:.2f}x the time, {query_ratio:.2f}x the queries")
    speed = plain[0] / ours[0]
    met = speed >= at_least_faster and ours[1] < plain[1]
    return goal(text, met, f"{speed:.2f}x the speed, {query_ratio:.2f}x the queries")


def record(bench, operation, *, ours, plain=None, samples=1, note="", goal=None):
    """Record one operation: ``ours`` and ``plain`` are (label, median milliseconds, queries);
    ``plain`` is None where Odoo has no equivalent; ``goal`` from ``goal()`` or ``ratio_goal()``."""
    path = os.environ.get(RESULTS_ENV)
    if not path:
        return
    row = {"bench": bench, "operation": operation, "samples": samples, "note": note,
           "ours": {"label": ours[0], "ms": ours[1], "queries": ours[2]}}
    if goal:
        row["goal"] = goal
    if plain:
        row["plain"] = {"label": plain[0], "ms": plain[1], "queries": plain[2]}
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")


def _ratio(ours, theirs):
    return f"{ours / theirs:.2f}" if theirs else "—"


def _ms(value):
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def table(rows):
    lines = [
        "| bench | operation | samples | click_collect | median ms | queries | Odoo plain | median ms | queries "
        "| time ratio | query ratio |",
        "|---|---|---:|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        ours, plain = row["ours"], row.get("plain")
        cells = [row["bench"], row["operation"] + (f" ({row['note']})" if row.get("note") else ""),
                 str(row["samples"]), f"`{ours['label']}`", _ms(ours["ms"]), f"{ours['queries']:.0f}"]
        if plain:
            cells += [f"`{plain['label']}`", _ms(plain["ms"]), f"{plain['queries']:.0f}",
                      _ratio(ours["ms"], plain["ms"]), _ratio(ours["queries"], plain["queries"])]
        else:
            cells += ["no equivalent", "", "", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _first_line(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except OSError:
        return ""


def machine():
    """What the numbers ran on: CPU, cores, memory, PostgreSQL and Odoo versions."""
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kib = int(re.search(r"MemTotal:\s+(\d+)", info.read()).group(1))
            memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return {
        "cpu": cpu or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": os.environ.get("CC_BENCH_PG_VERSION", ""),
        "odoo": os.environ.get("CC_BENCH_ODOO_VERSION", ""),
        "commit": _first_line(["git", "rev-parse", "--short", "HEAD"]),
    }


def this_run():
    """When, at which commit and on what this run measures."""
    info = machine()
    info["when"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return info


def _run_line(run):
    parts = [f"{run['cores']} x {run['cpu']}", run["memory"], run["system"], f"Python {run['python']}"]
    if run["postgresql"]:
        parts.append(run["postgresql"])
    if run["odoo"]:
        parts.append(f"Odoo {run['odoo']}")
    return f"{run['when']} at commit `{run['commit']}` on: " + ", ".join(p for p in parts if p) + "."


def render(rows, runs):
    """The report of ``rows``; ``runs`` maps each bench to the run that measured it."""
    by_run = {}
    for bench in dict.fromkeys(row["bench"] for row in rows):
        by_run.setdefault(_run_line(runs[bench]), []).append(bench)
    if len(by_run) == 1:
        head = f"Run {next(iter(by_run))}\n\n"
    else:
        head = "The benches and their runs (`./run bench NAME` runs one again):\n\n" + "".join(
            f"- {', '.join(benches)}: {line}\n" for line, benches in by_run.items()) + "\n"
    head += ("Median wall-clock time and SQL queries per operation; the ratios are click_collect over Odoo's "
             "plain way of doing the same work, measured in the same run (below 1: cheaper). Times move "
             "between runs on a shared machine; query counts do not.\n")
    return head + "\n" + table(rows) + "\n" + goals(rows)


def merge(kept, rows, run):
    """The rows of ``kept`` (``{"runs", "rows"}``) whose benches did not run now, and ``rows``
    of this ``run`` in place of the others, by bench. :return: (rows, runs)"""
    fresh = list(dict.fromkeys(row["bench"] for row in rows))
    runs = {bench: r for bench, r in kept.get("runs", {}).items() if bench not in fresh}
    runs.update(dict.fromkeys(fresh, run))
    merged = [row for row in kept.get("rows", []) if row["bench"] not in fresh] + rows
    return sorted(merged, key=lambda row: row["bench"]), runs


def goals(rows):
    """One sentence per goal: the operation, the goal, met or not, and its figures."""
    lines = []
    for row in rows:
        target = row.get("goal")
        if not target:
            continue
        operation = row["operation"] + (f" ({row['note']})" if row.get("note") else "")
        verdict = "met" if target["met"] else "**not met**"
        lines.append(f"- {row['bench']}, {operation}: {target['text']}: {verdict} ({target['detail']}).")
    if not lines:
        return ""
    met = sum(1 for row in rows if row.get("goal", {}).get("met"))
    return f"\nGoals: {met} of {len(lines)} met.\n\n" + "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", help="the JSON lines recorded by the bench scripts")
    parser.add_argument("--out", help="markdown file to write")
    parser.add_argument("--readme", help="README whose bench markers receive the table")
    parser.add_argument("--keep", help="JSON file of every bench's last rows, updated with the benches that ran")
    args = parser.parse_args()
    with open(args.results, encoding="utf-8") as results:
        rows = [json.loads(line) for line in results if line.strip()]
    if not rows:
        raise SystemExit("no benchmark results recorded")
    run = this_run()
    runs = dict.fromkeys((row["bench"] for row in rows), run)
    if args.keep:
        kept = {}
        if os.path.exists(args.keep):
            with open(args.keep, encoding="utf-8") as keep:
                kept = json.load(keep)
        rows, runs = merge(kept, rows, run)
        with open(args.keep, "w", encoding="utf-8") as keep:
            json.dump({"runs": runs, "rows": rows}, keep, indent=1)
            keep.write("\n")
    text = render(rows, runs)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write("# Benchmark results\n\nWritten by `./run bench`.\n\n" + text)
    if args.readme:
        with open(args.readme, encoding="utf-8") as readme:
            content = readme.read()
        if START in content and END in content:
            before, rest = content.split(START, 1)
            after = rest.split(END, 1)[1]
            with open(args.readme, "w", encoding="utf-8") as readme:
                readme.write(before + START + "\n" + text + END + after)


if __name__ == "__main__":
    main()
