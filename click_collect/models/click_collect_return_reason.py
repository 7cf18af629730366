from odoo import fields, models


class ClickCollectReturnReason(models.Model):
    """Why a customer brings goods back: a short list the retailer keeps (plus free text on
    each return)."""

    _name = "click_collect.return.reason"
    _description = "Web Order Return Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Leave empty to use this reason in every company.")
