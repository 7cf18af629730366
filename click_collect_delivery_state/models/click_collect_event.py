from odoo import fields, models


class ClickCollectEvent(models.Model):
    _inherit = "click_collect.event"

    channel = fields.Selection(
        selection_add=[("carrier", "Carrier state")], ondelete={"carrier": "set default"},
        help="Carrier state: a carrier connector wrote the delivery's carrier state (its scheduled "
             "job, or the person named, who asked it for the state).",
    )
