from odoo import fields, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    cc_pos_order_id = fields.Many2one(
        "pos.order", string="Paid at the Counter", readonly=True, index="btree_not_null",
        ondelete="set null",
        help="The POS order that took this web order's payment at the counter: the POS session "
             "books the money, so no accounting payment is made for this transaction.",
    )
