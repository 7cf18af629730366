from odoo import fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    cc_cod_statement_id = fields.Many2one(
        "click_collect.cod.statement", string="Cash-on-Delivery Remittance", readonly=True,
        index="btree_not_null", copy=False,
    )
