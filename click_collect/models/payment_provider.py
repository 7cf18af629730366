from odoo import fields, models


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    # Money taken at the store's counter: the same mode as Odoo's e-shop pickup
    # (website_sale_collect), which a store without the e-shop needs too.
    custom_mode = fields.Selection(selection_add=[("on_site", "Pay on site")])
