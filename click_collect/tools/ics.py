"""A one-event iCalendar file (RFC 5545), for a customer's calendar."""

import datetime
import re

# control characters (and Unicode's line and paragraph separators) a TEXT value may not hold
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")


def _text(value):
    """An iCalendar TEXT value: backslashes, semicolons, commas and new lines escaped, other
    control characters dropped."""
    value = _CONTROLS.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line):
    """Lines of at most 75 octets, the next ones starting with a space (RFC 5545, 3.1)."""
    data = line.encode()
    parts = []
    while len(data) > 75:
        cut = 75 if not parts else 74
        # never cut inside a UTF-8 character
        while cut and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
    parts.append(data)
    return b"\r\n ".join(parts)


def calendar_file(*, uid, start, end, summary, location="", description="", stamp=None):
    """An all-day event from the date ``start`` to the date ``end`` (exclusive), as bytes."""
    stamp = stamp or datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//click_collect//Pickup//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{_text(uid)}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
        f"DTEND;VALUE=DATE:{end:%Y%m%d}",
        f"SUMMARY:{_text(summary)}",
        f"LOCATION:{_text(location)}",
        f"DESCRIPTION:{_text(description)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return b"\r\n".join(_fold(line) for line in lines) + b"\r\n"
