"""Request bodies refused before they are read: too large, or of no announced length."""

import logging


class BodyRefused(Exception):
    """A body that is not read: ``status`` is 413 (larger than the limit) or 411 (no length)."""

    loglevel = logging.INFO  # one line in the server's log, no traceback

    def __init__(self, status, limit):
        super().__init__(f"request body refused unread ({status})")
        self.status = status
        self.limit = limit


def check_body(httprequest, limit):
    """Refuse the body of ``httprequest`` unless it announces a length within ``limit`` bytes.

    Called before the route runs (and before Odoo parses a form body, which werkzeug reads
    whole, even to refuse it). A body sent in chunks announces no length: it would have to be
    read to be measured, so it is refused (411), as is a Content-Length over the limit (413).
    A body that passes is read within its Content-Length.

    :raise BodyRefused: the body is not to be read
    """
    if "chunked" in (httprequest.headers.get("Transfer-Encoding") or "").lower():
        raise BodyRefused(411, limit)
    if (httprequest.content_length or 0) > limit:
        raise BodyRefused(413, limit)
