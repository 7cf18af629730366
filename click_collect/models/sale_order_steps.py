from odoo import SUPERUSER_ID, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from .. import const


class SaleOrder(models.Model):
    """Web orders: the guards of the flow's transitions and the effects of its states (see
    models/sale_order.py for the door)."""

    _inherit = "sale.order"

    # ------------------------------------------------------------------ guards
    # Each guard gets the orders asking for a transition and returns {order: reason} for those
    # that may not go on. Guards read in batch: no query per order.

    def _cc_guard_confirmed(self):
        return {
            order: self.env._("the sales order is not confirmed yet.")
            for order in self if order.state != "sale"
        }

    def _cc_guard_payment_rule(self):
        methods = dict(self._fields["cc_payment_method"]._description_selection(self.env))
        reasons = {}
        for order in self:
            method = order.cc_payment_method
            if (method in const.PREPAID_METHODS or not method) and order.cc_payment_state != "paid":
                reasons[order] = self.env._(
                    "it is paid by %(method)s and only %(paid)s of %(total)s has been received.",
                    method=methods.get(method, self.env._("an unknown method")),
                    paid=order._cc_format_amount(order.cc_amount_paid),
                    total=order._cc_format_amount(order.amount_total),
                )
        return reasons

    def _cc_guard_paid(self):
        return {
            order: self.env._(
                "it is not paid (%(paid)s of %(total)s received); register the payment first.",
                paid=order._cc_format_amount(order.cc_amount_paid),
                total=order._cc_format_amount(order.amount_total),
            )
            for order in self if order.cc_payment_state != "paid"
        }

    def _cc_guard_goods_at_store(self):
        reasons = {}
        deliveries = self._cc_store_deliveries()
        for order in self:
            moves = deliveries.filtered(lambda p, o=order: p.sale_id == o).move_ids.filtered(
                lambda m: m.state not in ("cancel", "done")
            )
            if not moves:
                reasons[order] = self.env._("there is no delivery from %(store)s to prepare.",
                                            store=order.cc_store_id.name)
                continue
            missing = moves.filtered(lambda m: m.state != "assigned")
            if missing:
                reasons[order] = self.env._(
                    "these goods are not in %(store)s's stock for this order yet: %(products)s.",
                    store=order.cc_store_id.name,
                    products=", ".join(missing.product_id.mapped("display_name")),
                )
        return reasons

    def _cc_guard_goods_left(self):
        """In transit means the goods left: a transfer from a source warehouse to the store is
        done (whichever button, scan or job asks)."""
        reasons = {}
        # sudo: the goods leave another warehouse, which the store's staff do not see; only
        # their state is read.
        supply = self.sudo()._cc_supply_moves().filtered(lambda m: m.location_dest_id.usage == "transit")
        for order in self:
            sent = supply.filtered(lambda m, o=order: m.picking_id.sale_id.id == o.id)
            if not sent:
                reasons[order] = self.env._("no goods come to %(store)s from another warehouse.",
                                            store=order.cc_store_id.name)
            elif not sent.filtered(lambda m: m.state == "done"):
                reasons[order] = self.env._(
                    "the goods have not left yet: %(transfers)s must be validated by the warehouse "
                    "that sends them.", transfers=", ".join(sent.picking_id.mapped("name")),
                )
        return reasons

    def _cc_guard_tracking(self):
        return {
            order: self.env._("it needs a courier and a tracking number.")
            for order in self
            if not order.cc_tracking_ref or not (order.carrier_id or order.cc_courier_name)
        }

    def _cc_guard_cod_counted(self):
        """A cash-on-delivery order is closed by a store manager: the cash came through the
        courier, not through the counter of the person who registered it."""
        if self.env.su or self.env.user.has_group(const.STORE_MANAGER):
            return {}
        return {
            order: self.env._("a store manager closes a cash-on-delivery order, once its cash is counted.")
            for order in self if order.cc_payment_method == "cod"
        }

    def _cc_format_amount(self, amount):
        return format_amount(self.env, amount, self.currency_id)

    # ------------------------------------------------------------------ effects of a new state

    def _cc_store_deliveries(self):
        """The open outgoing pickings of the orders that leave from their store."""
        return self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
            and p.state not in ("done", "cancel")
            and p.picking_type_id.warehouse_id == p.sale_id.cc_store_id
        )

    def _cc_validate_deliveries(self, quantities=None, keep_rest=False):
        """Deliver the orders' goods from their store's open deliveries.

        :param dict quantities: {stock.move id: quantity} to deliver, by default everything
            reserved; what is not delivered is cancelled (goods stay in the store's stock)
            unless ``keep_rest``, where it stays in a backorder, reserved for the customer.
        :return: the validated pickings
        """
        pickings = self._cc_store_deliveries()
        if not pickings:
            return pickings
        if quantities is not None:
            for move in pickings.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
                move.quantity = quantities.get(move.id, 0.0)
                move.picked = True
        pickings = self._cc_turnover_resource(pickings, keep_rest)
        context = {"skip_sms": True, "skip_backorder": True}
        if not keep_rest:
            context["picking_ids_not_to_backorder"] = pickings.ids
        # skip_sms: the customer hears from the flow's own messages, never from the
        # "has been shipped" text of a delivery. sudo: the door checked the hand-over or the
        # shipment; with a turnover store the delivery leaves from that store's stock, which
        # the store's staff do not manage.
        pickings.sudo().with_context(**context).button_validate()
        if pickings.filtered(lambda p: p.state != "done"):
            raise UserError(self.env._("The deliveries %(pickings)s could not be validated.",
                              pickings=", ".join(pickings.mapped("name"))))
        return pickings

    def _cc_after_collected(self, **details):
        self._cc_validate_deliveries()

    def _cc_after_shipped(self, **details):
        for picking in self._cc_store_deliveries():
            order = picking.sale_id
            picking.write({
                "carrier_id": order.carrier_id.id or picking.carrier_id.id,
                "carrier_tracking_ref": order.cc_tracking_ref,
                "cc_cod_amount": order._cc_cod_due(),
            })
        self._cc_validate_deliveries()

    def _cc_cod_due(self):
        """What the courier collects for this order: all that is not paid yet, for a
        cash-on-delivery order."""
        self.ensure_one()
        if self.cc_payment_method != "cod":
            return 0.0
        return self._cc_amount_due()

    def _cc_after_returned(self, **details):
        """The shipment came back: its goods go back into the shipping store's stock through a
        return of the delivery (and, with a turnover store, a transfer from it to the store)."""
        for order in self:
            deliveries = order.picking_ids.filtered(
                lambda p: p.state == "done" and p.location_dest_id.usage == "customer"
                and not p.return_id and not p.return_ids.filtered(lambda r: r.state != "cancel")
            )
            for delivery in deliveries:
                wizard = self.env["stock.return.picking"].with_context(
                    active_id=delivery.id, active_model="stock.picking",
                ).create({"picking_id": delivery.id})
                for line in wizard.product_return_moves:
                    line.quantity = line.move_id.quantity
                return_picking = wizard._create_return()
                return_picking.move_ids.picked = True
                return_picking.with_context(skip_sms=True, skip_backorder=True).button_validate()
                if return_picking.location_dest_id.warehouse_id != order.cc_store_id:
                    order._cc_transfer(
                        return_picking.location_dest_id.warehouse_id, order.cc_store_id,
                        {move.product_id: move.quantity for move in return_picking.move_ids},
                        self.env._("Return of %(order)s to %(store)s", order=order.name, store=order.cc_store_id.name),
                    )

    def _cc_after_expired(self, **details):
        """The customer did not come: the goods go back to the store's free stock, the order is
        cancelled, and a paid order gets a refund to make."""
        self._cc_after_cancelled()
        self.filtered(lambda o: o.currency_id.compare_amounts(o.cc_amount_paid, 0) > 0)._cc_schedule_refund()

    def _cc_schedule_refund(self):
        """Ask the store's manager to pay back what the customer paid for a cancelled order: the
        order's salesperson, else the person cancelling it, else (the customer cancelled it) the
        store's manager."""
        for order in self:
            # a person acting (not a visitor, nor the scheduled jobs' superuser) makes the refund
            person = self.env.user._is_internal() and not self.env.user._is_superuser()
            responsible = order.user_id or (self.env.user if person else order.cc_store_id._cc_late_responsible())
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Refund %(amount)s to the customer",
                                   amount=order._cc_format_amount(order.cc_amount_paid)),
                note=self.env._("%(order)s was paid (%(method)s) and will not be delivered: refund the customer.",
                       order=order.name,
                       method=dict(order._fields["cc_payment_method"]._description_selection(self.env)).get(
                           order.cc_payment_method, "")),
                user_id=responsible.id or SUPERUSER_ID,
            )

    def _cc_after_cancelled(self, **details):
        # sudo: cancelling a sales order also cancels its deliveries and draft invoices, which
        # store staff do not manage; the door checked that this user may cancel these orders.
        self.filtered(lambda o: o.state != "cancel").sudo()._action_cancel()
