from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    cc_cod_order_id = fields.Many2one(
        "sale.order", string="Cash-on-Delivery Order", readonly=True, index="btree_not_null", copy=False,
        help="The web order whose cash a courier collected: this entry makes the courier owe it.",
    )
