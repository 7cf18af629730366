import logging

from odoo import models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)


class SmsSms(models.Model):
    _inherit = "sms.sms"

    def _handle_call_result_hook(self, results):
        """The customer messages of web orders follow what the SMS service did with their SMS
        (called by sms.sms once the service answered, or could not be reached)."""
        try:
            with self.env.cr.savepoint():
                self.env["click_collect.notification"]._cc_sms_outcome(self, results)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            # the customer message is being changed by another job: the answer job records it
            _logger.info("Customer messages of SMS %s: outcome left to the answer job", self.ids)
            self.env["click_collect.notification"]._cc_trigger_answer_job()
        except Exception:  # recording the outcome must never stop Odoo's SMS queue
            _logger.exception("Customer messages of SMS %s: outcome not recorded", self.ids)
        return super()._handle_call_result_hook(results)
