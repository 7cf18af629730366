"""Print the one-line summary of a test run from pytest's JUnit XML report.

Usage: junit_summary.py REPORT.xml PYTEST_EXIT_CODE

A skipped test counts as failed: Odoo skips its browser tests when Chromium or
websocket-client is missing, and such a run must not look green.
Exits non-zero when anything failed, errored or was skipped, or when pytest failed.
"""

import sys
import xml.etree.ElementTree as ET


def main(report, pytest_rc):
    try:
        root = ET.parse(report).getroot()
    except (OSError, ET.ParseError) as exc:
        print(f"no test report ({exc}); pytest exited with {pytest_rc}")
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    skipped = []
    for case in root.iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        outcome = {child.tag for child in case}
        if outcome & {"failure", "error"}:
            failed += 1
        elif "skipped" in outcome:
            reason = next(iter(c.get("message", "") for c in case if c.tag == "skipped"))
            skipped.append(f"{name}: {reason}")
            failed += 1
        else:
            passed += 1
    for line in skipped:
        print(f"SKIPPED (counted as failed): {line}")
    if pytest_rc not in (0, 1) and failed == 0:
        # pytest itself broke (collection error, interrupted, internal error)
        failed = 1
        print(f"pytest exited with {pytest_rc}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or pytest_rc else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
