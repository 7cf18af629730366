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
