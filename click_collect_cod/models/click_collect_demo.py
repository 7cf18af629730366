from datetime import timedelta

from odoo import api, fields, models


class ClickCollectDemo(models.AbstractModel):
    _inherit = "click_collect.demo"

    # sudo in this model: demo data builds stock, payments and settings as the system would
    @api.model
    def _populate_cod(self):
        """A cash-on-delivery order the courier delivered, awaiting its cash, and the courier's
        remittance for it with a line it does not know: ready to reconcile, one problem to
        resolve."""
        ref = self.env.ref
        carrier = self.env["delivery.carrier"].search([("delivery_type", "=", "fixed")], limit=1)
        bank = self.env["account.journal"].sudo().search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1)
        # a database that had cash on delivery before the addon was cut out has its remittance
        Statement = self.env["click_collect.cod.statement"].sudo()
        if not carrier or not bank or Statement.search_count([("name", "=", "REMIT-0001")], limit=1):
            return
        carrier.sudo().allow_cash_on_delivery = True
        customer = self.env["res.partner"].create({
            "name": "Liam Wouters", "email": "liam.wouters@example.com", "phone": "+32 470 55 66 77",
            "street": "Grote Markt 7", "city": "Mechelen", "zip": "2800", "country_id": ref("base.be").id,
        })
        order = self.env["sale.order"].with_context(cc_channel="api").create({
            "partner_id": customer.id,
            "cc_fulfilment": "ship",
            "cc_store_id": ref("click_collect.store_central").id,
            "cc_payment_method": "cod",
            "cc_web_shop_id": ref("click_collect.web_shop_demo").id,
            "cc_external_ref": "WEB-2001",
            "date_order": fields.Datetime.now() - timedelta(hours=5),
            "order_line": [
                fields.Command.create({"product_id": ref("click_collect.product_jacket").id, "product_uom_qty": 1}),
                fields.Command.create({"product_id": ref("click_collect.product_socks").id, "product_uom_qty": 2}),
            ],
        })
        order.action_confirm()
        self._walk(order, "cod", ["accepted", "preparing", "shipped", "awaiting_cod"], carrier)
        order.cc_notification_ids._cc_send()
        due = sum(order._cc_cod_receivable_lines().mapped("amount_residual"))
        Statement.create({
            "name": "REMIT-0001", "carrier_id": carrier.id, "journal_id": bank.id,
            "line_ids": [
                fields.Command.create({"sequence": 1, "tracking_ref": order.cc_tracking_ref, "amount": due,
                                       "fee": 1.5}),
                fields.Command.create({"sequence": 2, "tracking_ref": "TRK99999999", "amount": 25.0, "fee": 0.5}),
            ],
        })
