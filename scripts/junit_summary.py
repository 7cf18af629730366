"""Print the summary of a test run from pytest's JUnit XML reports.

Usage: junit_summary.py REPORT.xml PYTEST_EXIT_CODE [--also LABEL REPORT.xml:EXIT_CODE ...]
                        [--host EXPECTED REPORT.xml:EXIT_CODE ...]
       junit_summary.py --host-only EXPECTED REPORT.xml:EXIT_CODE ...

REPORT.xml is the run of the family's own tests: a skipped test counts as failed (Odoo skips
its browser tests when Chromium or websocket-client is missing, and such a run must not look
green). ``--also`` adds another run of the family's tests, counted the same way (the base addon
installed alone).

``--host`` adds the runs of Odoo's own tests of the modules click_collect extends, on a database
where click_collect is installed: a test fails the run when it does not pass and is not listed in
EXPECTED (the tests that do not pass without click_collect either).

The last line is "N passed, N failed". Exits non-zero when anything failed.
"""

import re
import sys
import xml.etree.ElementTree as ET


def _cases(report):
    """[(name, outcome, message)] of a JUnit report; outcome: passed, failed or skipped."""
    root = ET.parse(report).getroot()
    cases = []
    for case in root.iter("testcase"):
        classname = case.get("classname") or ""
        # Odoo's tests are named from their module path: "addons.sale.tests...", wherever Odoo is
        classname = re.sub(r"^.*?(?=\baddons\.)", "", classname)
        name = f"{classname}::{case.get('name')}"
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome, message = "failed", child.get("message", "")
            elif child.tag == "skipped" and outcome == "passed":
                outcome, message = "skipped", child.get("message", "")
        cases.append((name, outcome, message))
    return cases


def _own(report, pytest_rc, label="click_collect's tests"):
    try:
        cases = _cases(report)
    except (OSError, ET.ParseError) as exc:
        print(f"no test report ({exc}); pytest exited with {pytest_rc}")
        return 0, 1
    passed = sum(1 for _name, outcome, _msg in cases if outcome == "passed")
    failed = len(cases) - passed
    for name, outcome, message in cases:
        if outcome == "skipped":
            print(f"SKIPPED (counted as failed): {name}: {message}")
    if pytest_rc not in (0, 1) and failed == 0:
        # pytest itself broke (collection error, interrupted, internal error)
        failed = 1
        print(f"pytest exited with {pytest_rc}")
    if pytest_rc and not failed:
        failed = 1
    print(f"{label}: {passed} passed, {failed} failed")
    return passed, failed


def _expected(path):
    expected = {}
    with open(path, encoding="utf-8") as lines:
        for raw in lines:
            line = raw.strip()
            if line and not line.startswith("#"):
                outcome, name = line.split(None, 1)
                expected[name] = outcome
    return expected


def _host(expected_path, runs):
    expected = _expected(expected_path)
    passed = failed = as_without = 0
    seen = set()
    for run in runs:
        report, _sep, rc = run.rpartition(":")
        try:
            cases = _cases(report)
        except (OSError, ET.ParseError) as exc:
            print(f"Odoo's tests: no report {report} ({exc}); pytest exited with {rc}")
            failed += 1
            continue
        if int(rc) not in (0, 1):
            print(f"Odoo's tests: pytest exited with {rc} ({report})")
            failed += 1
        for name, outcome, message in cases:
            seen.add(name)
            if outcome == "passed":
                passed += 1
            elif expected.get(name) == outcome:
                as_without += 1
            else:
                failed += 1
                print(f"ODOO TEST {outcome.upper()} WITH CLICK_COLLECT: {name}: {message[:300]}")
    for name in sorted(set(expected) - seen):
        print(f"note: {name} (listed as not passing without click_collect) did not run")
    print(f"Odoo's own tests with click_collect installed: {passed} passed, {as_without} not passing as "
          f"without click_collect (tests/odoo_host_expected.txt), {failed} failed")
    return passed + as_without, failed


def main(argv):
    if argv and argv[0] == "--host-only":
        argv = ["", "", "--host", *argv[1:]]
        passed = failed = 0
    else:
        passed, failed = _own(argv[0], int(argv[1]))
    rest = argv[2:]
    while rest and rest[0] == "--also":
        if len(rest) < 3:
            raise SystemExit(__doc__)
        report, _sep, rc = rest[2].rpartition(":")
        also_passed, also_failed = _own(report, int(rc), rest[1])
        passed += also_passed
        failed += also_failed
        rest = rest[3:]
    if rest:
        if rest[0] != "--host" or len(rest) < 3:
            raise SystemExit(__doc__)
        host_passed, host_failed = _host(rest[1], rest[2:])
        passed += host_passed
        failed += host_failed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
