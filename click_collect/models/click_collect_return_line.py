from odoo import api, fields, models

CONDITIONS = [
    ("sellable", "Sellable"),
    ("damaged", "Damaged"),
]


class ClickCollectReturnLine(models.Model):
    """Goods of one order line coming back with a return: how many, in which condition."""

    _name = "click_collect.return.line"
    _description = "Web Order Return Line"
    _order = "return_id, id"

    return_id = fields.Many2one("click_collect.return", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="return_id.company_id", store=True)
    sale_line_id = fields.Many2one("sale.order.line", string="Order Line", required=True, readonly=True,
                                   index=True, ondelete="restrict")
    product_id = fields.Many2one("product.product", required=True, readonly=True, ondelete="restrict")
    quantity = fields.Float(required=True, readonly=True, digits="Product Unit")
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    condition = fields.Selection(CONDITIONS, required=True, default="sellable", readonly=True)
    price_unit = fields.Monetary(
        string="Unit Price Paid", readonly=True, currency_field="currency_id",
        help="What the customer paid for one unit, taxes included (the order line's total over its quantity).",
    )
    currency_id = fields.Many2one(related="return_id.currency_id")
    amount = fields.Monetary(compute="_compute_amount", store=True, currency_field="currency_id")

    @api.depends("quantity", "price_unit")
    def _compute_amount(self):
        for line in self:
            line.amount = line.currency_id.round(line.quantity * line.price_unit) if line.currency_id else 0.0
