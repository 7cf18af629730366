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
        the workers' next poll."""
        data = self.env.cr.postcommit.data
        if not data.get(FLOW_JOBS):
            return super()._notifydb()
        if data.get(WOKEN):
            return None
        data[WOKEN] = True
        threading.Thread(target=_wake, args=(super()._notifydb,), daemon=True, name="click_collect.cron_wake").start()
        return None


def _wake(notify):
    try:
        notify()
    except Exception:  # the workers find the trigger at their next poll
        _logger.warning("The cron workers could not be woken up", exc_info=True)
