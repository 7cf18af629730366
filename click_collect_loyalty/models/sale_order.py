from odoo import models


class SaleOrder(models.Model):
    """Web orders whose returns may be paid back in store credit."""

    _inherit = "sale.order"

    def _cc_receive_return(self, store, lines, **kwargs):
        """Override of `click_collect`: a return received under a store credit policy pays the
        customer back at once, in store credit."""
        ret = super()._cc_receive_return(store, lines, **kwargs)
        if ret.refund_mode == "store_credit" and ret.state == "received":
            # sudo: the flow pays back in store credit, whoever received the goods (a store
            # user may not write loyalty cards or invoices); the return was checked above
            ret.sudo()._cc_credit_store(channel=kwargs.get("channel", "backoffice"), store=store,
                                        event_values=kwargs.get("event_values"))
        return ret
