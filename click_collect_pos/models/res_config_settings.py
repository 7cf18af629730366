from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pos_cc_new_order_sound = fields.Boolean(related="pos_config_id.cc_new_order_sound", readonly=False)
