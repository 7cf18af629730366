from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _send_confirmation_email(self):
        """The customers of web orders hear from the flow's own messages (collected, shipped),
        never from Odoo's "has been shipped" email and SMS of a validated delivery. Deliveries of
        other sales orders keep Odoo's behaviour."""
        web = self.filtered(lambda p: p.sale_id.cc_fulfilment)
        res = super(StockPicking, self - web)._send_confirmation_email()
        if web:
            # skip_sms: stock_sms's text; cc_skip_delivery_email: stock's email (see below).
            super(StockPicking, web.with_context(skip_sms=True, cc_skip_delivery_email=True))._send_confirmation_email()
        return res

    def message_post_with_source(self, source_ref, **kwargs):
        if self.env.context.get("cc_skip_delivery_email"):
            template = self._get_source_from_ref(source_ref)[0]
            if template and template == self.company_id.stock_mail_confirmation_template_id:
                return self.env["mail.message"]
        return super().message_post_with_source(source_ref, **kwargs)
