from odoo import fields, models

from .sale_order import AWAITING_COD, AWAITING_COD_ONDELETE


class ClickCollectEvent(models.Model):
    _inherit = "click_collect.event"

    from_state = fields.Selection(selection_add=AWAITING_COD, ondelete=AWAITING_COD_ONDELETE)
    to_state = fields.Selection(selection_add=AWAITING_COD, ondelete=AWAITING_COD_ONDELETE)
