import ipaddress
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# Wrong tries allowed before the public "track my order" form slows down, the first delay, and
# the longest one: each further wrong try doubles the wait.
FREE_TRIES = 3
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
# a key without wrong tries for this long starts again from zero
FORGET_AFTER = timedelta(days=1)


def visitor_key(address):
    """The key counting a visitor's wrong tries: their IPv4 address, or the /64 network of
    their IPv6 address (one subscriber gets a whole /64: its addresses are one visitor)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return f"ip:{address}"
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return f"ip:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"ip:{ip}"


class ClickCollectTrackAttempt(models.Model):
    """Wrong tries of the public "track my order" form, per visitor (IPv4 address or IPv6 /64)
    and per order, in the company of the order or of the website tried.

    Kept in the database so that every server worker sees them: after a few wrong tries, the
    form answers "wait" for a delay that doubles with each further wrong try. A try holds its
    counters (their rows are locked) from before it compares until its transaction ends, so
    tries running at the same moment are counted one after the other: none compares while
    another one is about to set the lock.
    """

    _name = "click_collect.track.attempt"
    _description = "Order Tracking Wrong Tries"
    _order = "last_failure desc"

    key = fields.Char(required=True, readonly=True, help="ip:<address or IPv6 /64> or order:<order id>")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    failures = fields.Integer(readonly=True)
    last_failure = fields.Datetime(readonly=True)
    locked_until = fields.Datetime(readonly=True)

    _key_uniq = models.Constraint("UNIQUE(key, company_id)", "One counter per key and company.")

    @api.model
    def _cc_hold(self, keys):
        """Hold the counters of ``keys`` (``(key, company id)``) until this transaction ends,
        creating those that do not exist yet, and return the end of the longest wait among
        them, or None when the visitor may try now.

        The counters' rows are locked in one order (no two tries wait for each other in a
        circle); a try that meets a counter changed since its transaction began is run again by
        Odoo, and then reads it as it is now.
        """
        self.flush_model()
        now = fields.Datetime.now()
        rows = SQL(", ").join(
            SQL("(%s, %s, 0, %s, %s, %s, %s)", key, company_id, now, now, self.env.uid, self.env.uid)
            for key, company_id in sorted(set(keys))
        )
        self.env.cr.execute(SQL(
            """
            INSERT INTO click_collect_track_attempt
                   (key, company_id, failures, create_date, write_date, create_uid, write_uid)
            VALUES %s
            ON CONFLICT (key, company_id) DO UPDATE SET key = EXCLUDED.key
            RETURNING locked_until
            """,
            rows,
        ))
        waits = [until for (until,) in self.env.cr.fetchall() if until and until > now]
        self.invalidate_model()
        return max(waits, default=None)

    @api.model
    def _cc_fail(self, keys):
        """Count a wrong try for every key (held by ``_cc_hold`` in this transaction); past
        FREE_TRIES, the key waits FIRST_DELAY, doubled by each further wrong try up to MAX_DELAY."""
        now = fields.Datetime.now()
        failures = SQL(
            "(CASE WHEN last_failure < %s THEN 1 ELSE failures + 1 END)", now - FORGET_AFTER,
        )
        self.env.cr.execute(SQL(
            """
            UPDATE click_collect_track_attempt
               SET failures = %(failures)s,
                   locked_until = CASE WHEN %(failures)s > %(free)s
                                       THEN %(now)s + LEAST(%(first)s * power(2, %(failures)s - %(free)s - 1), %(max)s)
                                       ELSE locked_until END,
                   last_failure = %(now)s, write_date = %(now)s
             WHERE (key, company_id) IN %(keys)s
            """,
            failures=failures, free=FREE_TRIES, now=now, first=FIRST_DELAY, max=MAX_DELAY,
            keys=tuple(set(keys)),
        ))
        self.invalidate_model()

    @api.model
    def _cc_succeed(self, keys):
        """The right answer for these keys: their wrong tries are forgotten."""
        self.env.cr.execute(SQL(
            "DELETE FROM click_collect_track_attempt WHERE (key, company_id) IN %s", tuple(set(keys)),
        ))
        self.invalidate_model()

    @api.autovacuum
    def _gc_old_attempts(self):
        limit = fields.Datetime.now() - FORGET_AFTER
        self.search([
            "|", ("last_failure", "<", limit), "&", ("last_failure", "=", False), ("create_date", "<", limit),
        ]).unlink()
