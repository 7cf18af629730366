from datetime import timedelta

from odoo import api, fields, models

from .. import const


class ClickCollectDemo(models.AbstractModel):
    """Builds the demo web orders through the real flow (called from demo data only)."""

    _name = "click_collect.demo"
    _description = "Click & Collect Demo Data"

    # sudo in this model: demo data builds stock, payments and settings as the system would
    @api.model
    def _populate(self):
        ref = self.env.ref
        company = self.env.company
        # The customer hears from the flow's own messages, not from Odoo's delivery SMS.
        company.sudo().stock_text_confirmation = False
        stores = {code: ref(f"click_collect.store_{code}") for code in ("brussels", "ghent", "central")}
        # Each store books its counter's cash in its own till; the company's bank takes the rest.
        bank = self.env["account.journal"].sudo().search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
        for store in stores.values():
            store.sudo().write({
                "cc_cash_journal_id": self.env["account.journal"].sudo().create({
                    "name": f"Till {store.name}", "type": "cash", "code": f"T{store.code}"[:5],
                    "company_id": company.id,
                }).id,
                "cc_bank_journal_id": bank.id,
            })
        products = [ref(f"click_collect.product_{name}") for name in ("sneaker", "jacket", "backpack", "socks")]
        Quant = self.env["stock.quant"].sudo()
        for store in stores.values():
            for product in products:
                Quant._update_available_quantity(product, store.lot_stock_id, 40)
        # Only the central warehouse has the limited edition: Brussels orders of it travel.
        limited = ref("click_collect.product_limited")
        Quant._update_available_quantity(limited, stores["central"].lot_stock_id, 12)

        customers = self.env["res.partner"].create([
            {"name": name, "email": email, "phone": phone, "street": street, "city": city,
             "zip": zip_code, "country_id": ref("base.be").id}
            for name, email, phone, street, city, zip_code in [
                ("Anna Peeters", "anna.peeters@example.com", "+32 470 11 22 33", "Kerkstraat 1", "Antwerp", "2000"),
                ("Lucas Janssens", "lucas.janssens@example.com", "+32 470 22 33 44", "Markt 5", "Leuven", "3000"),
                ("Emma Maes", "emma.maes@example.com", "+32 470 33 44 55", "Rue Haute 99", "Brussels", "1000"),
                ("Noah Claes", "noah.claes@example.com", "+32 470 44 55 66", "Korenmarkt 3", "Ghent", "9000"),
            ]
        ])
        shop = ref("click_collect.web_shop_demo")
        carrier = self.env["delivery.carrier"].search([("delivery_type", "=", "fixed")], limit=1)

        # (fulfilment, store, payment method, path of states after "new")
        pickup_paths = [
            ("brussels", "pay_at_store", []),
            ("brussels", "transfer", []),
            ("ghent", "online", ["accepted"]),
            ("ghent", "pay_at_store", ["accepted", "preparing"]),
            ("brussels", "online", ["accepted", "preparing", "in_transit"]),
            ("brussels", "online", ["accepted", "preparing", "in_transit", "ready"]),
            ("ghent", "pay_at_store", ["accepted", "preparing", "ready"]),
            ("brussels", "online", ["accepted", "preparing", "ready"]),
            ("brussels", "pay_at_store", ["accepted", "preparing", "ready", "collected"]),
            ("ghent", "online", ["accepted", "preparing", "ready", "expired"]),
            ("ghent", "transfer", ["cancelled"]),
        ]
        ship_paths = [
            ("central", "cod", []),
            ("central", "online", ["accepted"]),
            ("brussels", "transfer", ["accepted", "preparing"]),
            ("central", "online", ["accepted", "preparing", "shipped"]),
            ("central", "online", ["accepted", "preparing", "shipped", "failed"]),
            ("ghent", "online", ["accepted", "preparing", "shipped", "failed", "returned"]),
            ("central", "online", ["accepted", "preparing", "shipped", "delivered"]),
            ("central", "cod", ["accepted", "preparing", "shipped"]),
            ("central", "online", ["accepted", "preparing", "shipped", "delivered", "done"]),
            ("brussels", "cod", ["accepted", "cancelled"]),
        ]
        plans = [("pickup", *p) for p in pickup_paths] + [("ship", *p) for p in ship_paths]
        orders = self.env["sale.order"]
        for index, (fulfilment, store_key, method, path) in enumerate(plans):
            customer = customers[index % len(customers)]
            first_product = limited if "in_transit" in path else products[index % 4]
            order = self.env["sale.order"].with_context(cc_channel="api").create({
                "partner_id": customer.id,
                "cc_fulfilment": fulfilment,
                "cc_store_id": stores[store_key].id,
                "cc_payment_method": method,
                "cc_web_shop_id": shop.id if index % 2 == 0 else False,
                "cc_external_ref": f"WEB-{1000 + index}" if index % 2 == 0 else False,
                "date_order": fields.Datetime.now() - timedelta(hours=3 * (len(plans) - index)),
                "order_line": [
                    fields.Command.create({"product_id": first_product.id, "product_uom_qty": 1}),
                    fields.Command.create({"product_id": products[(index + 1) % 4].id, "product_uom_qty": 2}),
                ],
            })
            order.action_confirm()
            orders |= order
            self._walk(order, method, path, carrier)
        self._populate_customer_messages(orders)
        return orders

    # ---- customer notifications
    def _populate_customer_messages(self, orders):
        """A wrong pickup code typed at the Brussels counter, and every customer message posted
        in the orders' chatter (the scheduled job would send them after the installation)."""
        ready = orders.filtered(lambda o: o.cc_state == "ready" and o.cc_store_id.cc_require_pickup_code)[:1]
        if ready:
            wrong = "000000" if ready.sudo().cc_pickup_code != "000000" else "999999"
            ready._cc_check_pickup_code(wrong, channel="scan")
        orders.cc_notification_ids._cc_send()

    def _walk(self, order, method, path, carrier):
        """Move one demo order along ``path`` the way staff would (and its goods, as the
        warehouses would: the flow follows them)."""
        for target in path:
            supply = order._cc_supply_moves()
            if target == "in_transit" and supply:
                self._validate(supply.filtered(lambda m: m.location_dest_id.usage == "transit").picking_id)
                continue
            if target == "ready" and supply:
                self._validate(supply.filtered(lambda m: m.location_id.usage == "transit").picking_id)
                continue
            if target == "accepted" and method in const.PREPAID_METHODS:
                if method == "transfer":
                    order._cc_register_payment(order.amount_total, f"BANK-{order.name}", method="transfer")
                else:
                    self._pay_online(order)
            if target == "collected" and order.cc_payment_state != "paid":
                order._cc_register_payment(order.amount_total, f"TILL-{order.name}", method="pay_at_store")
            if target == "shipped":
                order._cc_set_shipment(carrier, carrier.name or "bpost", f"TRK{order.id:08d}")
            if target == "collected":
                # at the counter, the customer gives the pickup code of the "ready" message
                order._cc_hand_over(order.sudo().cc_pickup_code, channel="backoffice")
                continue
            order._cc_transition(target, channel="backoffice")

    def _validate(self, pickings):
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        pickings.with_context(skip_sms=True, skip_backorder=True).button_validate()

    def _pay_online(self, order):
        """An online payment as a payment provider would confirm it."""
        provider = self.env["payment.provider"].sudo().search([("code", "=", "demo")], limit=1)
        if not provider:
            provider = self.env["payment.provider"].sudo().search(
                [("code", "=", "custom"), ("custom_mode", "=", "wire_transfer")], limit=1)
        # the web shop's provider confirmed it: a customer's transaction, registered by nobody
        tx = self.env["payment.transaction"].sudo().create(order._cc_transaction_values(
            provider, order.amount_total, operation="online_direct", cc_registered_by_id=False,
        ))
        tx._set_done()
        order.cc_payment_method = "online"
        return tx
