from datetime import timedelta

from odoo import api, fields, models

# Wrong tries allowed before the public "track my order" form slows down, the first delay, and
# the longest one: each further wrong try doubles the wait.
FREE_TRIES = 3
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
# a key without wrong tries for this long starts again from zero
FORGET_AFTER = timedelta(days=1)


class ClickCollectTrackAttempt(models.Model):
    """Wrong tries of the public "track my order" form, per visitor address and per order number.

    Kept in the database so that every server worker sees them: after a few wrong tries, the
    form answers "wait" for a delay that doubles with each further wrong try.
    """

    _name = "click_collect.track.attempt"
    _description = "Order Tracking Wrong Tries"
    _order = "last_failure desc"

    key = fields.Char(required=True, readonly=True, help="ip:<address> or order:<number>")
    failures = fields.Integer(readonly=True)
    last_failure = fields.Datetime(readonly=True)
    locked_until = fields.Datetime(readonly=True)

    _key_uniq = models.Constraint("UNIQUE(key)", "One counter per key.")

    @api.model
    def _cc_locked_until(self, keys):
        """The end of the longest wait among ``keys``, or None when they may try now."""
        self.flush_model()
        self.env.cr.execute(
            "SELECT MAX(locked_until) FROM click_collect_track_attempt WHERE key = ANY(%s) AND locked_until > %s",
            [list(keys), fields.Datetime.now()],
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _cc_fail(self, keys):
        """Count a wrong try for every key (atomically, whatever the concurrent requests)."""
        now = fields.Datetime.now()
        self.flush_model()
        for key in keys:
            self.env.cr.execute(
                """
                INSERT INTO click_collect_track_attempt (key, failures, last_failure, create_date, write_date)
                VALUES (%(key)s, 1, %(now)s, %(now)s, %(now)s)
                ON CONFLICT (key) DO UPDATE SET
                    failures = CASE WHEN click_collect_track_attempt.last_failure < %(forget)s THEN 1
                                    ELSE click_collect_track_attempt.failures + 1 END,
                    last_failure = %(now)s, write_date = %(now)s
                RETURNING id, failures
                """,
                {"key": key, "now": now, "forget": now - FORGET_AFTER},
            )
            attempt_id, failures = self.env.cr.fetchone()
            if failures > FREE_TRIES:
                delay = min(FIRST_DELAY * 2 ** (failures - FREE_TRIES - 1), MAX_DELAY)
                self.env.cr.execute(
                    "UPDATE click_collect_track_attempt SET locked_until = %s WHERE id = %s",
                    [now + delay, attempt_id],
                )
        self.invalidate_model()

    @api.model
    def _cc_succeed(self, keys):
        self.search([("key", "in", list(keys))]).unlink()

    @api.autovacuum
    def _gc_old_attempts(self):
        self.search([("last_failure", "<", fields.Datetime.now() - FORGET_AFTER)]).unlink()
