from odoo import api, fields, models


class ClickCollectStoreChange(models.TransientModel):
    """Move a Click & Collect order not being prepared yet to another pickup store (a store
    manager's screen): the stores that can serve it now, with or without a transfer first."""

    _name = "click_collect.store.change"
    _inherit = ["click_collect.order.wizard"]
    _description = "Move a Web Order to Another Store"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    current_store_id = fields.Many2one(related="order_id.cc_store_id", string="Current Store")
    store_ids = fields.Many2many("stock.warehouse", compute="_compute_store_choices",
                                 string="Stores That Can Serve It")
    transfer_store_ids = fields.Many2many("stock.warehouse", compute="_compute_store_choices",
                                          string="Stores Served Through a Transfer")
    store_id = fields.Many2one(
        "stock.warehouse", string="New Store", required=True, domain="[('id', 'in', store_ids)]",
        help="The stores that have the goods now, or get them from a warehouse that resupplies them.",
    )
    needs_transfer = fields.Boolean(compute="_compute_needs_transfer")
    reason = fields.Char(help="Kept on the order's timeline and in its chatter (not sent to the customer).")

    @api.depends("order_id")
    def _compute_store_choices(self):
        for wizard in self:
            choices = wizard.order_id._cc_store_choices() if wizard.order_id else []
            wizard.store_ids = [store.id for store, _available in choices]
            wizard.transfer_store_ids = [store.id for store, available in choices if not available]

    @api.depends("store_id", "transfer_store_ids")
    def _compute_needs_transfer(self):
        for wizard in self:
            wizard.needs_transfer = wizard.store_id in wizard.transfer_store_ids

    def action_move(self):
        """Move the order; back to the web orders when the user no longer sees it (a store
        manager of the old store only)."""
        self.ensure_one()
        order = self.order_id
        order._cc_change_store_by_staff(self.store_id, self.reason)
        if order.has_access("read"):
            return {"type": "ir.actions.act_window_close"}
        action = self.env["ir.actions.act_window"]._for_xml_id("click_collect.action_web_orders")
        action["target"] = "main"
        return action
