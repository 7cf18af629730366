from odoo import fields, models


class ClickCollectReturn(models.Model):
    _inherit = "click_collect.return"

    refund_mode = fields.Selection(
        selection_add=[("till", "Refunded at the till of the return store")],
        ondelete={"till": "set default"},
    )
    pos_order_id = fields.Many2one(
        "pos.order", string="Till Refund", readonly=True, copy=False, index="btree_not_null",
        groups="point_of_sale.group_pos_user",
        help="The point of sale's refund that paid the customer back from the till.",
    )

    def _cc_discounts_follow(self):
        """Override of `click_collect`: a till refund's lines are priced net of the order's
        discounts (see sale.order._cc_pos_refund_values): the order keeps its discounts."""
        return super()._cc_discounts_follow().filtered(lambda r: r.refund_mode != "till")
