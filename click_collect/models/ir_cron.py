import logging
import threading

from odoo import api, models

from ..tools.jobs import FLOW_JOBS

_logger = logging.getLogger(__name__)

# set on a transaction's post-commit data once the cron workers were woken after its commit
WOKEN = "click_collect.cron_workers_woken"


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _notifydb(self):
        """Override of `base`: after a commit that triggered one of the flow's jobs (a web
        order's customer messages, its webhooks), wake the cron workers once, in the
        background. Each job due now asks for a wake-up, and each wake-up opens a new
        connection to the server's ``postgres`` database (Odoo keeps none in its pool), which
        the person who moved the order would otherwise wait for; one wake-up runs every job
        that is due. Should the wake-up be lost, the committed trigger still runs the job at
        the workers' next poll. Other commits wake them as Odoo does."""
        data = self.env.cr.postcommit.data
        if not data.get(FLOW_JOBS):
            return super()._notifydb()
        if not data.get(WOKEN):
            data[WOKEN] = True
            WAKER.wake(self.env.cr.dbname, super()._notifydb)
        return None


class Waker:
    """One thread per process wakes the cron workers of the databases asked for; the wake-ups
    asked while it is at work are folded into one per database."""

    def __init__(self):
        self.lock = threading.Lock()
        self.asked = threading.Event()
        self.pending = {}
        self.thread = None

    def wake(self, dbname, notify):
        """Call ``notify`` (Odoo's wake-up of the cron workers of ``dbname``) soon."""
        with self.lock:
            self.pending[dbname] = notify
            # a process forked from another one has none of its threads
            if not (self.thread and self.thread.is_alive()):
                self.thread = threading.Thread(target=self._run, daemon=True, name="click_collect.cron_wake")
                self.thread.start()
        self.asked.set()

    def _run(self):
        while True:
            self.asked.wait()
            self.asked.clear()
            with self.lock:
                pending, self.pending = self.pending, {}
            for dbname, notify in pending.items():
                try:
                    notify()
                except Exception:  # the workers find the trigger at their next poll
                    _logger.warning("The cron workers of %s could not be woken up", dbname, exc_info=True)


WAKER = Waker()
