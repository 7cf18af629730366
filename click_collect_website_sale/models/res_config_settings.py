from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cc_customer_cancel = fields.Boolean(related="website_id.cc_customer_cancel", readonly=False)
    cc_customer_store_change = fields.Boolean(related="website_id.cc_customer_store_change", readonly=False)
