import logging

from odoo import models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        """The customer messages of web orders follow what the mail server did with their email
        (before super: a sent mail may be deleted there)."""
        try:
            with self.env.cr.savepoint():
                self.env["click_collect.notification"]._cc_mail_outcome(self, failure_type, failure_reason)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            # the customer message is being changed by another job: the answer job records it
            _logger.info("Customer messages of mails %s: outcome left to the answer job", self.ids)
            self.env["click_collect.notification"]._cc_trigger_answer_job()
        except Exception:  # recording the outcome must never stop Odoo's mail queue
            _logger.exception("Customer messages of mails %s: outcome not recorded", self.ids)
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type,
        )
