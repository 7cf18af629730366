from odoo import api, fields, models
from odoo.exceptions import UserError


class ClickCollectShip(models.TransientModel):
    """Ship a web order: a courier (connector or just its name) and a tracking number."""

    _name = "click_collect.ship"
    _inherit = ["click_collect.order.wizard"]
    _description = "Ship a Web Order"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    carrier_id = fields.Many2one("delivery.carrier", string="Courier")
    courier_name = fields.Char(help="For a courier without a connector in Odoo.")
    tracking_ref = fields.Char(string="Tracking Number",
                               help="Typed in for a courier without a connector; a connector gives its own.")
    has_connector = fields.Boolean(compute="_compute_has_connector")

    @api.depends("carrier_id")
    def _compute_has_connector(self):
        for wizard in self:
            wizard.has_connector = bool(wizard.carrier_id) and wizard.carrier_id._cc_has_connector()

    def action_ship(self):
        self.ensure_one()
        if self.has_connector:
            self.order_id._cc_ship_with_carrier(self.carrier_id)
            return {"type": "ir.actions.act_window_close"}
        if not self.carrier_id and not (self.courier_name or "").strip():
            raise UserError(self.env._("Choose a courier or type its name."))
        if not (self.tracking_ref or "").strip():
            raise UserError(self.env._("Type the tracking number."))
        self.order_id._cc_set_shipment(self.carrier_id, self.courier_name, self.tracking_ref)
        self.order_id._cc_transition("shipped", channel="backoffice")
        return {"type": "ir.actions.act_window_close"}
