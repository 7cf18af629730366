from odoo import api, fields, models


class ClickCollectReturnPolicy(models.AbstractModel):
    """A return policy: set per web shop, and per company for orders without a web shop."""

    _name = "click_collect.return.policy"
    _description = "Web Order Return Policy"

    cc_return_days = fields.Integer(
        string="Return Window (Days)", default=30,
        help="Within how many days of collection or delivery a customer may bring goods back "
             "(0: no limit). After it, only a store manager accepts a return, saying why.",
    )
    cc_return_wait_days = fields.Integer(
        string="Announced Returns Wait (Days)", default=30,
        help="How long a return the customer announced online waits for its goods: after it, the return is "
             "cancelled and the quantities it held may be returned again (0: it waits until someone cancels it).",
    )
    cc_return_refund_mode = fields.Selection(
        selection="_selection_cc_return_refund_mode", string="Refund of Returns", default="owed",
        help="How a customer bringing goods back gets their money.",
    )

    @api.model
    def _cc_forget_refund_mode(self, mode):
        """The policies paying back by ``mode`` go back to the back office's refund: called when
        the addon that brought ``mode`` is uninstalled (its returns keep theirs, Odoo sets
        them back to the default)."""
        for model in ("click_collect.web.shop", "res.company"):
            # sudo: every company's and web shop's policy, at the addon's uninstallation
            self.env[model].sudo().with_context(active_test=False).search(
                [("cc_return_refund_mode", "=", mode)]).write({"cc_return_refund_mode": "owed"})

    @api.model
    def _selection_cc_return_refund_mode(self):
        """The refund modes of returns (an addon adds its own on click_collect.return)."""
        return self.env["click_collect.return"]._fields["refund_mode"]._description_selection(self.env)
