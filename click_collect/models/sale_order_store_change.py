from collections import defaultdict

from odoo import SUPERUSER_ID, fields, models
from odoo.exceptions import AccessError, UserError

from .. import const

# The states in which the customer may still choose another pickup store: nothing was prepared.
STORE_CHANGE_STATES = ("new", "accepted")


class SaleOrder(models.Model):
    """The customer of a Click & Collect order picks it up at another store, chosen on the
    order's page before the store starts preparing it. Odoo's stock does the rest: the old
    store's transfers are cancelled (its reservation freed), the order's lines are procured
    again from the new store (its own stock, or its resupply through transit as at
    confirmation), the new store's service level starts; the pickup code stays. Both stores'
    staff and points of sale are told, the timeline records it, the web shop gets a webhook.

    A store manager may move it too (the store cannot serve it: ``action_cc_change_store``, the
    screen *Move to Another Store*); the customer is told by message.

    The controller checks who the visitor is; the customer's methods are private, no RPC
    endpoint."""

    _inherit = "sale.order"

    def _cc_store_choices(self):
        """The other stores that can serve the order now: ``[(store, available)]`` by name,
        ``available`` when every line is free in the store's stock now, else its goods come
        through transit from a warehouse that resupplies the store (as ``_cc_plan_supply``
        would plan it: a whole line from one warehouse). Stores of the order's company that do
        Click & Collect; those that can get the goods from nowhere are left out. A few queries,
        whatever the number of stores and lines."""
        self.ensure_one()
        # sudo: stores, their stock and their resupply, for a customer without rights
        order = self.sudo()
        if order.cc_fulfilment != "pickup" or order.cc_state not in STORE_CHANGE_STATES:
            return []
        stores = order._cc_store_candidates()
        needs = defaultdict(float)  # product -> quantity in its unit
        for line in order.order_line.filtered(lambda sol: sol.product_id.is_storable and not sol.display_type):
            product = line.product_id
            needs[product] += line.product_uom_id._compute_quantity(line.product_uom_qty, product.uom_id)
        free = defaultdict(float)  # (warehouse, product) -> free quantity
        if needs:
            warehouses = stores | stores.resupply_wh_ids
            groups = self.env["stock.quant"].sudo()._read_group([
                ("product_id", "in", [product.id for product in needs]),
                ("location_id.usage", "=", "internal"),
                ("location_id.warehouse_id", "in", warehouses.ids),
            ], ["location_id", "product_id"], ["quantity:sum", "reserved_quantity:sum"])
            for location, product, quantity, reserved in groups:
                free[location.warehouse_id, product] += quantity - reserved

        def enough(warehouse, product):
            return product.uom_id.compare(free[warehouse, product], needs[product]) >= 0

        choices = []
        for store in stores:
            missing = [product for product in needs if not enough(store, product)]
            if all(any(enough(source, product) for source in store.resupply_wh_ids) for product in missing):
                choices.append((store, not missing))
        return choices

    def _cc_store_candidates(self):
        """The stores the order could move to, whatever their stock: the other Click & Collect
        pickup stores of its company, by name (as superuser)."""
        self.ensure_one()
        # active stores only, whatever the caller's context
        return self.env["stock.warehouse"].sudo().with_context(active_test=True).search([
            ("cc_is_store", "=", True), ("cc_does_pickup", "=", True),
            ("company_id", "=", self.company_id.id), ("id", "!=", self.cc_store_id.id),
        ], order="name, id")

    def _cc_customer_store_choices(self):
        """The stores the customer may choose on the order's page: the choices, when the shop
        lets its customers change store."""
        self.ensure_one()
        return self._cc_store_choices() if self._cc_self_service_rules()["store_change"] else []

    def _cc_change_store_by_customer(self, store_id):
        """The customer picks the order up at the store ``store_id`` (its id, as the page
        posts it) instead: through ``_cc_move_to_store``, channel portal. Choosing the store it
        is at already changes nothing.

        :raise UserError: the order moved on meanwhile (the message says what it is now), the
            store cannot serve it now, too many actions on the order
        """
        self.ensure_one()
        # sudo: the customer has no rights on their order (the controller checked who they are)
        order = self.sudo()
        order._cc_lock_self_service()
        if order.cc_fulfilment != "pickup" or order.cc_state not in STORE_CHANGE_STATES:
            raise UserError(self.env._(
                "Your order is now %(state)s: its pickup store can no longer be changed online. Contact the store.",
                state=order._cc_customer_state_label(),
            ))
        try:
            store_id = int(store_id)
        except (TypeError, ValueError):
            store_id = 0
        if store_id == order.cc_store_id.id:
            return
        if not order._cc_self_service_rules()["store_change"]:
            raise UserError(self.env._("The pickup store of this order cannot be changed online: contact the store."))
        store = next((choice for choice, _available in order._cc_store_choices() if choice.id == store_id), None)
        if not store:
            raise UserError(self.env._("This store cannot serve your order now: choose another one."))
        order._cc_count_self_service()
        # what the staff read (timeline, chatter, notifications) in the company's language
        order = order.with_user(SUPERUSER_ID).with_context(lang=order.company_id.partner_id.lang or order.env.lang)
        order._cc_move_to_store(store, channel="portal", event_values={"user_id": False})

    def action_cc_change_store(self):
        """Open the screen that moves the order to another pickup store.

        Public: the web order's form calls it; store managers of the order's store and web-order
        managers, on Click & Collect orders not being prepared yet."""
        self.ensure_one()
        self._cc_check_store_change_by_staff()
        return self._cc_wizard_action(
            "click_collect.store.change", self.env._("Move %(order)s to another store", order=self.name))

    def _cc_check_store_change_by_staff(self):
        """Raise unless the user may move the order to another store now: a store manager of the
        order's store (whatever else their other rights let them write) or a web-order manager,
        while it is a Click & Collect order not being prepared yet."""
        self.ensure_one()
        user = self.env.user
        if not self.env.su and not user.has_group(const.STORE_MANAGER):
            raise AccessError(self.env._("Only store managers move a web order to another store."))
        self.check_access("write")
        if not self.env.su and not user.has_group(const.MANAGER) and self.cc_store_id not in user.cc_store_ids:
            raise AccessError(self.env._("%(user)s does not work for the store of %(order)s.",
                                         user=user.name, order=self.name))
        if self.cc_fulfilment != "pickup" or self.cc_state not in STORE_CHANGE_STATES:
            raise UserError(self.env._(
                "%(order)s is %(state)s: only Click & Collect orders not being prepared yet move to another store.",
                order=self.name, state=dict(self._fields["cc_state"]._description_selection(self.env)).get(
                    self.cc_state, self.env._("not a Click & Collect order")),
            ))

    def _cc_change_store_by_staff(self, store, reason=None):
        """Move the order to the pickup store ``store`` for a store manager (the screen's
        action): checked as ``_cc_check_store_change_by_staff``, ``store`` one of the stores
        that can serve the order now; the customer gets the message of the change.

        :return: the timeline event
        :raise UserError: the order moved on meanwhile, the store cannot serve it now
        """
        self.ensure_one()
        self._cc_check_store_change_by_staff()
        self._cc_lock_self_service()  # one move at a time, the customer's or another clerk's
        self._cc_check_store_change_by_staff()  # as it is now
        if store not in [choice for choice, _available in self._cc_store_choices()]:
            raise UserError(self.env._("%(store)s cannot serve %(order)s now: choose another store.",
                                       store=store.display_name, order=self.name))
        user = self.env.user
        # sudo: the flow moves the stock and writes its own fields; the user was checked above
        # and the timeline names them
        return self.sudo()._cc_move_to_store(store, channel="backoffice", event_values={"user_id": user.id},
                                             reason=(reason or "").strip() or None)

    def _cc_move_to_store(self, store, *, channel, event_values=None, reason=None):
        """Move the order, not prepared yet, to the pickup store ``store`` (as superuser: the
        caller checked who asks). Its transfers not done are cancelled, its lines procured again
        from the new store and reserved there (or resupplied), its revenue booked on the new
        store's account, the new store's service level for its state starts now; the customer
        gets the "pickup store changed" message (``reason``: what the staff wrote, for them).

        :return: the timeline event
        """
        self.ensure_one()
        # Odoo's procurement runs and sees active records only, whatever the caller's context
        order = self.with_context(skip_procurement=False, active_test=True)
        old = order.cc_store_id
        if order.picking_ids.filtered(lambda p: p.state == "done"):
            raise UserError(order.env._("Goods of %(order)s have moved already: it stays at %(store)s.",
                                        order=order.name, store=old.name))
        order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
        order.write({
            "cc_store_id": store.id,
            # a quotation is reserved when confirmed, as before
            "cc_reservation_pending": order.state == "sale" or order.cc_reservation_pending,
            "cc_late_notified": False,
        })
        # the new store's service level for the state the order is in (or none)
        for due in order._cc_due_date_groups(order.cc_state, fields.Datetime.now()):
            order.cc_due_date = due
        # Odoo procures no line of a locked order ("Lock Confirmed Sales"): unlocked meanwhile
        locked = order.locked
        if locked:
            order.action_unlock()
        order.order_line._action_launch_stock_rule()
        if locked:
            order.action_lock()
        goods = order.order_line.filtered(lambda line: line.product_id.type == "consu" and line.product_uom_qty > 0)
        if order.state == "sale" and goods and not order.picking_ids.filtered(lambda p: p.state != "cancel"):
            raise UserError(order.env._("%(store)s has no route to deliver %(order)s: it stays at %(old)s.",
                                        store=store.name, order=order.name, old=old.name))
        order._cc_reserve_batch()
        order._cc_set_revenue_analytics()
        note = order.env._("Pickup store changed from %(old)s to %(new)s.", old=old.name, new=store.name)
        if reason:
            note = f"{note} {reason}"
        event = order.env["click_collect.event"].create({
            "order_id": order.id,
            "from_state": order.cc_state,
            "to_state": order.cc_state,
            "store_id": store.id,
            "previous_store_id": old.id,
            "channel": channel,
            "note": note,
            **(event_values or {}),
        })
        author = order.partner_id if channel == "portal" else order.env.user.partner_id
        order._message_log(body=note, author_id=author.id)
        self._cc_notify_store_change(event)
        self.env["click_collect.notification"]._cc_queue(self, "store", events=event)
        return event

    def _cc_notify_store_change(self, event):
        """Tell the staff of both stores that the order moved (a notification in their back
        office); the point of sale's addon rings both stores' points of sale, the API's posts
        the web shop's webhook."""
        self.ensure_one()
        old, new = event.previous_store_id, event.store_id
        self._cc_tell_staff(old, lambda this: (
            this.env._("%(order)s left for %(store)s", order=self.name, store=new.name),
            this.env._("The customer picks it up at %(store)s: its goods here are free again.", store=new.name),
        ))
        self._cc_tell_staff(new, lambda this: (
            this.env._("Web order %(order)s moved here", order=self.name),
            this.env._("%(customer)s picks it up here instead of at %(store)s.",
                       customer=self.partner_id.name, store=old.name),
        ))
