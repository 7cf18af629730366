from odoo import fields, models


class ClickCollectEvent(models.Model):
    _inherit = "click_collect.event"

    pos_config_id = fields.Many2one("pos.config", string="Point of Sale", readonly=True, ondelete="set null")
