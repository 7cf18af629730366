from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.click_collect import const

from ..const import POS_ACTIONS


class SaleOrder(models.Model):
    """Web orders at the store's points of sale: the store's points of sale list, show and move
    them (models/pos_config.py); a pay-at-store order is paid at the counter through pos_sale's
    settle flow, the POS order taking the money and the order's own delivery moving the goods
    (models/pos_order.py)."""

    _inherit = "sale.order"

    def _cc_notify_stores(self, events):
        """Override of `click_collect`: ring the open points of sale of the orders' stores: ids
        on the bus, details by RPC."""
        res = super()._cc_notify_stores(events)
        # the orders whose customer just said they are coming or here: the POS rings
        coming = events.filtered(lambda e: e.arrival in ("on_the_way", "arrived")).order_id
        self._cc_ring_points_of_sale(self.grouped("cc_store_id"), coming)
        return res

    def _cc_notify_store_change(self, event):
        """Override of `click_collect`: the points of sale of the store the order left and of
        the one it moved to both show it."""
        res = super()._cc_notify_store_change(event)
        self._cc_ring_points_of_sale({event.previous_store_id: self, event.store_id: self})
        return res

    def _cc_ring_points_of_sale(self, orders_by_store, coming=None):
        """Ring the open points of sale of the stores: ``{store: orders}``; ``coming``: the
        orders whose customer is coming or here (the POS's bell)."""
        stores = self.env["stock.warehouse"].union(*orders_by_store)
        if not stores:
            return
        # sudo: store staff need not read the POS sessions to ring the points of sale of
        # their store; only order ids travel on the bus.
        configs = self.env["pos.session"].sudo().search([
            ("state", "=", "opened"), ("config_id.picking_type_id.warehouse_id", "in", stores.ids),
        ]).config_id
        for config in configs:
            orders = orders_by_store[config.picking_type_id.warehouse_id]
            config._notify("CLICK_COLLECT_ORDERS", {"order_ids": orders.ids, "arrived": (orders & coming).ids
                                                    if coming else []})

    def action_cc_hand_over(self, pickup_code=None, pos_config_id=None):
        """Override of `click_collect`: hand the order over at a point of sale (channel "pos"),
        one of the order's store where the user works.

        :param int pos_config_id: the point of sale acting
        """
        if not pos_config_id:
            return super().action_cc_hand_over(pickup_code)
        self.ensure_one()
        pos_config = self.env["pos.config"].browse(pos_config_id).exists()
        if not pos_config:
            raise UserError(self.env._("This point of sale does not exist."))
        pos_config._cc_check_pos()
        if pos_config.cc_store_id != self.cc_store_id:
            raise UserError(self.env._(
                "%(pos)s is not a point of sale of %(store)s: %(order)s is handed over there.",
                pos=pos_config.name, store=self.cc_store_id.name, order=self.name,
            ))
        return self._cc_hand_over_answer(
            pickup_code, channel="pos", store=pos_config.cc_store_id,
            event_values={"pos_config_id": pos_config.id},
        )

    @api.depends("cc_amount_paid")
    def _compute_amount_unpaid(self):
        """Override of `pos_sale`: pos_sale's "amount to pay in POS" of a web order reads the money the flow counts:
        Odoo's amount_paid may count a pay-on-site promise as paid, and the unpaid order would
        vanish from the point of sale's list of orders to settle."""
        web_orders = self.filtered("cc_fulfilment")
        res = super(SaleOrder, self - web_orders)._compute_amount_unpaid()
        for order in web_orders:
            invoices = order.order_line.invoice_lines.move_id.filtered(lambda m: m.state in ("draft", "posted"))
            order.amount_unpaid = max(
                order.amount_total - sum(invoices.mapped("amount_total")) - order.cc_amount_paid, 0.0,
            )
        return res

    def _cc_pos_describe(self, details=False):
        """The orders as the point of sale shows them (a list of dicts, in the same order).

        With ``details``: lines, customer, timeline and the actions allowed now. Reads in
        batch: a fixed number of queries whatever the number of orders.
        """
        state_labels = dict(self._fields["cc_state"]._description_selection(self.env))
        payment_labels = dict(self._fields["cc_payment_state"]._description_selection(self.env))
        method_labels = dict(self._fields["cc_payment_method"]._description_selection(self.env))
        fulfilment_labels = dict(self._fields["cc_fulfilment"]._description_selection(self.env))
        sla_labels = dict(self._fields["cc_sla_state"]._description_selection(self.env))
        result = []
        arrival_labels = dict(self._fields["cc_arrival"]._description_selection(self.env))
        for order in self:
            partner = order.partner_id
            arrival = order.cc_arrival if order.cc_state == "ready" and order.cc_fulfilment == "pickup" else ""
            values = {
                "id": order.id,
                "name": order.name,
                "external_ref": order.cc_external_ref or "",
                "fulfilment": order.cc_fulfilment,
                "fulfilment_label": fulfilment_labels.get(order.cc_fulfilment, ""),
                "state": order.cc_state,
                "state_label": state_labels.get(order.cc_state, ""),
                "state_date": fields.Datetime.to_string(order.cc_state_date) if order.cc_state_date else "",
                "state_age": order.cc_state_age or "",
                "sla_state": order.cc_sla_state or "",
                "sla_label": sla_labels.get(order.cc_sla_state, ""),
                "date_order": fields.Datetime.to_string(order.date_order) if order.date_order else "",
                "partner_name": partner.name or "",
                "partner_phone": partner.phone or "",
                "amount_total": order.amount_total,
                "amount_paid": order.cc_amount_paid,
                "amount_total_label": order._cc_format_amount(order.amount_total),
                "amount_paid_label": order._cc_format_amount(order.cc_amount_paid),
                "payment_state": order.cc_payment_state,
                "payment_state_label": payment_labels.get(order.cc_payment_state, ""),
                "payment_method": order.cc_payment_method or "",
                "payment_method_label": method_labels.get(order.cc_payment_method, ""),
                "shelf": order.cc_shelf or "",
                "expiry_date": fields.Datetime.to_string(order.cc_expiry_date) if order.cc_expiry_date else "",
                "amount_due_label": order._cc_format_amount(order._cc_amount_due())
                if order.cc_payment_state != "paid" else "",
                # what the customer of a ready order said from its page (on the way, here)
                "arrival": arrival,
                "arrival_label": arrival_labels.get(arrival, ""),
                "arrival_note": order.cc_arrival_note or "" if arrival else "",
                # the store's time of day, whatever the time zone of the cashier's browser
                "arrival_eta": order._cc_arrival_eta_label() if arrival == "on_the_way" else "",
            }
            result.append(values)
        if details:
            self._cc_pos_add_details(result)
        return result

    def _cc_pos_add_details(self, result):
        state_labels = dict(self._fields["cc_state"]._description_selection(self.env))
        Event = self.env["click_collect.event"]
        channel_labels = dict(Event._fields["channel"]._description_selection(self.env))
        arrival_labels = dict(Event._fields["arrival"]._description_selection(self.env))
        for order, values in zip(self, result, strict=True):
            partner = order.partner_shipping_id or order.partner_id
            targets = order._cc_allowed_targets()
            actions = [action for action, target in POS_ACTIONS.items() if target in targets]
            values.update({
                "partner_email": order.partner_id.email or "",
                "partner_address": ", ".join(
                    line.strip() for line in partner._display_address(without_company=True).splitlines() if line.strip()
                ),
                "courier": order.cc_courier_name or order.carrier_id.name or "",
                "tracking_ref": order.cc_tracking_ref or "",
                "pickup_code_required": bool(
                    order.cc_fulfilment == "pickup" and order.cc_store_id.cc_require_pickup_code
                ),
                "actions": actions,
                # pay at the counter: money still to take, and no payment taken partly elsewhere
                "can_pay": order.cc_state not in const.FINAL_STATES and order.cc_payment_state == "unpaid"
                and order.state == "sale",
                "can_resend_ready": order.cc_fulfilment == "pickup" and order.cc_state == "ready",
                "can_come_out": values["arrival"] == "arrived",
                "barcode": "data:image/png;base64," + order.cc_barcode.decode() if order.cc_barcode else "",
                "lines": [
                    {
                        "id": line.id,
                        "product": line.product_id.display_name or line.name,
                        "barcode": line.product_id.barcode or line.product_id.default_code or "",
                        "qty": line.product_uom_qty,
                        "uom": line.product_uom_id.name or "",
                        "price_total": order._cc_format_amount(line.price_total),
                    }
                    for line in order.order_line if not line.display_type and not line.is_delivery
                ],
                "timeline": [
                    {
                        "id": event.id,
                        "date": fields.Datetime.to_string(event.date),
                        "from_label": state_labels.get(event.from_state, ""),
                        "to_label": state_labels.get(event.to_state, ""),
                        "user": event.user_id.name or "",
                        "channel": channel_labels.get(event.channel, ""),
                        "pos": event.pos_config_id.name or "",
                        "note": event.note or "",
                        "refused": event.refused,
                        "arrival_label": arrival_labels.get(event.arrival, ""),
                    }
                    for event in order.cc_event_ids.sorted(lambda e: (e.date, e.id), reverse=True)
                ],
            })
        return self._cc_pos_add_pickup_lock(result)

    def _cc_register_pos_payment(self, pos_order, amount):
        """Count the money a POS order took at the counter as paid for this web order.

        The payment is a done payment transaction of the "pay on site" provider, registered by
        the cashier and linked to the POS order, so that the flow's guards read the order as
        paid. It is not post-processed into an account.payment: the POS session books that
        money itself (its payment methods' journals) when it closes; booking it again here would
        count it twice.

        :return: the payment.transaction
        """
        self.ensure_one()
        # sudo: payment providers and transactions are the system's; the POS order paid.
        Tx = self.env["payment.transaction"].sudo()
        done = Tx.search([("cc_pos_order_id", "=", pos_order.id), ("sale_order_ids", "in", self.ids)], limit=1)
        if done:
            return done
        provider = self.env["payment.provider"].sudo().search([
            ("code", "=", "custom"), ("custom_mode", "=", const.METHOD_CUSTOM_MODE["pay_at_store"]),
            ("company_id", "=", self.company_id.id),
        ], limit=1)
        if not provider:
            raise UserError(self.env._(
                "No payment provider handles payments at the store in %(company)s.",
                company=self.company_id.name,
            ))
        tx = Tx.create(self._cc_transaction_values(
            provider, amount, provider_reference=pos_order.pos_reference or pos_order.name,
            journal=pos_order.payment_ids.payment_method_id.journal_id[:1], cc_pos_order_id=pos_order.id,
        ))
        tx._set_done()
        # Post-processed already: no account.payment (see above), no invoice.
        tx.is_post_processed = True
        self.message_post(body=self.env._(
            "Paid %(amount)s at the counter of %(pos)s (%(pos_order)s), by %(user)s.",
            amount=self._cc_format_amount(amount), pos=pos_order.config_id.name,
            pos_order=pos_order.pos_reference or pos_order.name, user=self.env.user.name,
        ), subtype_xmlid="mail.mt_note")
        return tx

    def _cc_pos_add_pickup_lock(self, result):
        """The point of sale also learns whether the hand-over by code is locked: then it offers
        nothing but the unlock, to store managers."""
        manager = self.env.user.has_group(const.STORE_MANAGER)
        unlocks = set(self.cc_event_ids.filtered("unlocked").ids)
        for order, values in zip(self, result, strict=True):
            locked = bool(order.cc_pickup_code_required and order.cc_pickup_locked and order.cc_state == "ready")
            values.update({"pickup_locked": locked, "can_unlock": locked and manager})
            if locked:
                values.update({"actions": [], "can_pay": False, "can_resend_ready": False})
            for event in values["timeline"]:
                event["unlocked"] = event["id"] in unlocks
        return result
