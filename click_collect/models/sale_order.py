from datetime import timedelta
from types import MappingProxyType

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError

from .. import const
from ..tools.order_barcode import code128_png_base64


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # The scan screens and the API look orders up by their number: one btree index query.
    _cc_name_index = models.Index("(name)")

    cc_fulfilment = fields.Selection(
        const.FULFILMENTS, string="Fulfilment", index="btree_not_null", tracking=True, copy=False,
        help="Click & Collect: the customer picks the order up in a store.\n"
             "Ship from store: a store ships the order to the customer.\n"
             "Orders without a fulfilment are not web orders.",
    )
    cc_store_id = fields.Many2one(
        "stock.warehouse", string="Store", index="btree_not_null", tracking=True, copy=False,
        check_company=True, domain="[('cc_is_store', '=', True)]",
        help="The store that hands the order over (Click & Collect) or ships it.",
    )
    cc_state = fields.Selection(
        const.STATES, string="Flow State", readonly=True, copy=False, index="btree_not_null",
        group_expand="_cc_group_expand_states",
        help="Where the web order is in the Click & Collect or ship-from-store flow. "
             "It only changes through the flow's buttons, scans, POS, API and couriers.",
    )
    cc_state_date = fields.Datetime(string="In This State Since", readonly=True, copy=False)
    cc_event_ids = fields.One2many(
        "click_collect.event", "order_id", string="Timeline", readonly=True,
        groups="click_collect.group_store_user",
    )
    cc_web_shop_id = fields.Many2one(
        "click_collect.web.shop", string="Web Shop", index="btree_not_null", copy=False,
        check_company=True,
    )
    cc_external_ref = fields.Char(
        string="Web Shop Reference", copy=False, index="btree_not_null",
        help="The order's number in the web shop that sent it.",
    )
    cc_payment_method = fields.Selection(
        const.PAYMENT_METHODS, string="Web Payment",
        compute="_compute_cc_payment_method", store=True, readonly=False, precompute=True, copy=False,
        help="Bank transfer, payment link and online orders are accepted only once paid; "
             "cash-on-delivery and pay-at-store orders may be accepted before payment.",
    )
    cc_amount_paid = fields.Monetary(
        string="Amount Paid", compute="_compute_cc_payment", store=True,
        help="Money received for this order: done or authorized payment transactions. "
             "Pay-on-site and cash-on-delivery transactions count only once a person registered "
             "the payment.",
    )
    cc_payment_state = fields.Selection(
        [("unpaid", "Not Paid"), ("partial", "Partially Paid"), ("paid", "Paid")],
        string="Payment Status", compute="_compute_cc_payment", store=True, index="btree_not_null",
    )
    cc_allowed_targets = fields.Char(
        compute="_compute_cc_allowed_targets",
        help="Technical: the flow states this order may move to now, separated by spaces.",
    )
    cc_barcode = fields.Binary(string="Order Barcode", compute="_compute_cc_barcode")
    cc_expiry_date = fields.Datetime(
        string="Waits Until", compute="_compute_cc_expiry", store=True, index="btree_not_null",
        help="A ready Click & Collect order not collected by then expires.",
    )
    cc_reminder_date = fields.Datetime(string="Reminder On", compute="_compute_cc_expiry", store=True)
    cc_reminder_sent = fields.Boolean(string="Reminder Sent", copy=False, readonly=True)
    cc_revenue_store_id = fields.Many2one(
        "stock.warehouse", string="Revenue Store", compute="_compute_cc_revenue_store", store=True,
        index="btree_not_null",
        help="The store that books this order's revenue: the web shop's turnover store, "
             "otherwise the order's store.",
    )
    cc_courier_name = fields.Char(
        string="Courier", copy=False,
        help="The courier's name, for a shipment without a courier connector.",
    )
    cc_tracking_ref = fields.Char(string="Tracking Number", copy=False, index="btree_not_null")

    # ------------------------------------------------------------------ constraints

    @api.constrains("cc_fulfilment", "cc_store_id")
    def _check_cc_store(self):
        for order in self.filtered("cc_fulfilment"):
            if not order.cc_store_id:
                raise ValidationError(self.env._("Web order %(order)s needs a store.", order=order.display_name))
            if not order.cc_store_id.cc_is_store:
                raise ValidationError(self.env._(
                    "%(warehouse)s is not a store: only warehouses flagged as stores hand over or "
                    "ship web orders.", warehouse=order.cc_store_id.display_name,
                ))
            if not order.cc_store_id._cc_does(order.cc_fulfilment):
                raise ValidationError(order.cc_store_id._cc_fulfilment_refusal(order.cc_fulfilment))

    # ------------------------------------------------------------------ computes

    @api.model
    def _cc_group_expand_states(self, states, domain):
        """Kanban columns: the states of the fulfilments shown (the action's, else those the
        user's stores do), in the flow's order; the states where a store acts always
        (const.KANBAN_STATES), the others only when they have orders."""
        fulfilment = self.env.context.get("cc_kanban_fulfilment")
        by_fulfilment = self._cc_fulfilment_states()
        shown = {state for name in ([fulfilment] if fulfilment in by_fulfilment else self._cc_user_fulfilments())
                 for state in by_fulfilment[name]}
        return [key for key in self._fields["cc_state"].get_values(self.env)
                if key in states or (key in shown and key in const.KANBAN_STATES)]

    @api.model
    def _cc_user_fulfilments(self):
        """The fulfilments the stores of the current user do (all stores of the user's
        companies for a user of no store), or all."""
        stores = self.env.user.cc_store_ids or self.env["stock.warehouse"].search(
            [("cc_is_store", "=", True), ("company_id", "in", self.env.companies.ids)])
        return [name for name, field in const.STORE_FULFILMENT_FIELDS.items()
                if not stores or any(stores.mapped(field))]

    @api.depends("transaction_ids.provider_id.custom_mode", "transaction_ids.state")
    def _compute_cc_payment_method(self):
        for order in self:
            txs = order.transaction_ids.filtered(lambda tx: tx.state != "error").sorted("id")
            # The customer's own transactions say how they chose to pay; a payment registered
            # by staff only says so when nothing else does.
            customer_txs = txs.filtered(lambda tx: not tx.cc_registered_by_id)
            tx = customer_txs[-1:] or (txs[-1:] if not order.cc_payment_method else txs.browse())
            if not tx:
                order.cc_payment_method = order.cc_payment_method
                continue
            mode = tx.provider_id.code == "custom" and tx.provider_id.custom_mode
            order.cc_payment_method = const.CUSTOM_MODE_METHOD.get(mode) if mode else "online"

    @api.depends(
        "amount_total", "transaction_ids.state", "transaction_ids.amount",
        "transaction_ids.cc_registered_by_id",
    )
    def _compute_cc_payment(self):
        for order in self:
            paid = sum(
                tx.amount for tx in order.transaction_ids
                if tx.state in ("authorized", "done") and (
                    tx.cc_registered_by_id
                    or tx.provider_id.custom_mode not in const.PROMISE_CUSTOM_MODES
                )
            )
            order.cc_amount_paid = paid
            currency = order.currency_id
            if currency.compare_amounts(paid, order.amount_total) >= 0 and (paid or not order.amount_total):
                order.cc_payment_state = "paid"
            elif currency.compare_amounts(paid, 0) > 0:
                order.cc_payment_state = "partial"
            else:
                order.cc_payment_state = "unpaid"

    @api.depends("cc_state", "cc_state_date", "cc_store_id.cc_pickup_days", "cc_store_id.cc_reminder_days")
    def _compute_cc_expiry(self):
        for order in self:
            if order.cc_fulfilment == "pickup" and order.cc_state == "ready" and order.cc_state_date:
                store = order.cc_store_id
                order.cc_expiry_date = order.cc_state_date + timedelta(days=store.cc_pickup_days)
                order.cc_reminder_date = order.cc_expiry_date - timedelta(days=store.cc_reminder_days)
            else:
                order.cc_expiry_date = order.cc_reminder_date = False

    @api.depends("cc_store_id", "cc_web_shop_id.turnover_store_id")
    def _compute_cc_revenue_store(self):
        for order in self:
            order.cc_revenue_store_id = order.cc_store_id and order._cc_revenue_store()

    @api.depends("cc_fulfilment", "cc_state")
    def _compute_cc_allowed_targets(self):
        for order in self:
            order.cc_allowed_targets = " ".join(order._cc_allowed_targets())

    @api.depends("name")
    def _compute_cc_barcode(self):
        for order in self:
            order.cc_barcode = code128_png_base64(order.name) if order.name and order.id else False

    # ------------------------------------------------------------------ the table

    @api.model
    def _cc_transitions(self):
        """The flow's transition table: rows (fulfilment, from state, to state, guards, group),
        the base's being const.TRANSITIONS.

        The extension point of the flow: an addon adds its rows by overriding this method
        (``return super()._cc_transitions() + [...]``, or adds a guard to a row of the base's),
        with the guards they name (``_cc_guard_<name>`` methods), the effects of the states they
        reach (``_cc_after_<state>``) and, for a state of its own, a ``selection_add`` on
        ``cc_state`` and on the timeline's ``from_state`` and ``to_state``, its place among the
        fulfilment's states (``_cc_fulfilment_states``) and, where it has one, its meaning to
        couriers (``_cc_carrier_states``, ``_cc_carrier_goal``) and to customers
        (``_cc_notification_steps``, ``_cc_customer_states``). A channel of its own is a
        ``selection_add`` on the timeline's ``channel``. click_collect_cod is an example.
        """
        return list(const.TRANSITIONS)

    @api.model
    def _cc_fulfilment_states(self):
        """{fulfilment: its states in the order a customer meets them} (kanban columns); an addon
        with a state of its own puts it in its place."""
        return {fulfilment: list(states) for fulfilment, states in const.FULFILMENT_STATES.items()}

    @api.model
    def _cc_carrier_states(self):
        """The states a courier's tracking moves a shipped order to (and a person's decision on
        them stops the courier's updates)."""
        return set(const.CARRIER_STATES)

    @api.model
    def _cc_notification_steps(self):
        """{flow state reached: customer message step} (const.STATE_NOTIFICATION_STEP)."""
        return dict(const.STATE_NOTIFICATION_STEP)

    @api.model
    @tools.ormcache()
    def _cc_transition_table(self):
        """{(fulfilment, from state, to state): (guards, group)} of ``_cc_transitions``, read
        once per registry."""
        return MappingProxyType({
            (fulfilment, source, target): (guards, group)
            for fulfilment, source, target, guards, group in self._cc_transitions()
        })

    def _cc_allowed_targets(self):
        """The states the table allows from this order's state (guards aside)."""
        self.ensure_one()
        if not self.cc_fulfilment:
            return []
        return [
            target for (fulfilment, source, target) in self._cc_transition_table()
            if fulfilment == self.cc_fulfilment and source == (self.cc_state or None)
        ]

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        self._cc_check_flow_values(vals_list)
        orders = super().create(vals_list)
        orders._cc_enter_flow()
        return orders

    def write(self, vals):
        self._cc_check_flow_values([vals])
        if vals.get("cc_fulfilment") is False and any(self.mapped("cc_state")):
            raise UserError(self.env._("A web order in the flow keeps its fulfilment: cancel it instead."))
        res = super().write(vals)
        if vals.get("cc_fulfilment"):
            self._cc_enter_flow()
            self._cc_ensure_pickup_code()
        return res

    @api.depends("cc_store_id")
    def _compute_warehouse_id(self):
        """A web order's goods leave from its store."""
        web_orders = self.filtered("cc_store_id")
        res = super(SaleOrder, self - web_orders)._compute_warehouse_id()
        for order in web_orders:
            order.warehouse_id = order.cc_store_id
        return res

    def _action_confirm(self):
        """Override of `sale`: confirmed web orders plan the supply of their pickup store and
        book their revenue on their revenue store; those whose reservation is pending have it
        made by a scheduled job (``_cc_cron_reserve``)."""
        res = super()._action_confirm()
        self.filtered("cc_fulfilment")._cc_after_confirm_stock()
        self.filtered("cc_fulfilment")._cc_set_revenue_analytics()
        return res

    def _cc_set_revenue_analytics(self):
        """Book each web order's revenue on its revenue store's analytic account."""
        # sudo: the flow's bookkeeping, whoever confirms the order (a salesperson confirming an
        # e-shop's pickup order may not change a web order's lines, see sale.order.line)
        lines_by_account = {}
        for order in self.sudo():
            account = order.cc_revenue_store_id.cc_analytic_account_id
            if account:
                lines = order.order_line.filtered(lambda line: not line.display_type)
                lines_by_account[account] = lines_by_account.get(account, lines.browse()) | lines
        for account, lines in lines_by_account.items():
            lines.analytic_distribution = {str(account.id): 100}

    def _send_payment_succeeded_for_order_mail(self):
        """Customers of web orders hear about their payments from the flow's own messages."""
        self.filtered("cc_fulfilment")._cc_queue_payment_received()
        return super(SaleOrder, self.filtered(lambda o: not o.cc_fulfilment))._send_payment_succeeded_for_order_mail()

    @api.model
    def _cc_context_channel(self, default="backoffice", trusted=frozenset()):
        """The channel the flow's own code names in the context (``cc_channel``), for paths
        where it cannot pass it on (Odoo's creation, a picking's validation). A client sets any
        context over RPC: it may claim a channel where a person acts; the ``trusted`` ones
        (the API's, the e-shop's) count only in code running as superuser."""
        channel = self.env.context.get("cc_channel")
        allowed = const.PERSON_CHANNELS | (trusted if self.env.su else set())
        return channel if channel in allowed else default

    def _cc_after_new(self, **details):
        self._cc_ensure_pickup_code()

    def _cc_enter_flow(self):
        newcomers = self.filtered(lambda o: o.cc_fulfilment and not o.cc_state)
        if newcomers:
            # Orders enter the flow whoever creates them (an e-shop visitor, the API user):
            # "new" has no guard, and the door records who did it.
            channel = self._cc_context_channel(trusted={"api", "shop"})
            newcomers._cc_transition("new", channel=channel, check_group=False)

    # ------------------------------------------------------------------ the door

    def _cc_transition(self, target, *, channel="backoffice", note=None, store=None,
                       event_values=None, check_group=True, **details):
        """Move web orders to the flow state ``target``: the only way ``cc_state`` changes.

        Checks the transition table (``_cc_transitions``) and its guards for every order, then
        writes the state, adds an event to each order's timeline, logs it in the chatter, runs
        the side effects of the target state and tells the customer and the store.

        :param str target: the flow state to reach
        :param str channel: where the request comes from (const.CHANNELS)
        :param note: a free text kept on the timeline, or {order id: text}
        :param store: the store acting (stock.warehouse), by default the order's store
        :param dict event_values: more values of the timeline's events (an addon's own fields,
            e.g. the point of sale acting)
        :param bool check_group: check that the user's group may ask for this transition
        :param details: extra values for the side effects of the target state
        :raise UserError: naming every refused order, its state and why
        :return: the created events
        """
        self._cc_check_target(target)
        if not self:
            return self.env["click_collect.event"]
        errors = self._cc_check_transition(target, check_group=check_group)
        if errors:
            raise UserError("\n".join(errors))
        # sudo: the goods of an order whose reservation is pending are reserved before anyone
        # moves it on, as the scheduled job would (the user may act on the order, checked above;
        # its supply may come from warehouses the user does not see); an order that ends here
        # needs none, and one that enters the flow unconfirmed has none yet
        pending = self.sudo().filtered("cc_reservation_pending")
        if pending and target in const.FINAL_STATES:
            pending.cc_reservation_pending = False
        elif confirmed := pending.filtered(lambda o: o.state == "sale"):
            confirmed._cc_reserve_batch()

        now = fields.Datetime.now()
        sources = {order.id: order.cc_state for order in self}
        # a step taken after the order's due date missed the service level (kept for the figures)
        late = {order.id for order in self if order.cc_due_date and order.cc_due_date < now}
        # Write the state first: two sessions racing on one order conflict here, and the
        # loser's whole transaction (events, stock, messages) is rolled back.
        # sudo: the door is the only writer of the flow state (nobody else may write it, see
        # _cc_check_flow_values); the user's right to act was checked just above.
        # The due date of the service level that starts here (or none), by store.
        dues = self._cc_due_date_groups(target, now)
        for due, orders in (dues or {None: self}).items():
            values = {"cc_state": target, "cc_state_date": now}
            if target != "ready":  # the customer's "I'm here" is for one stay at the counter
                values.update(cc_arrival=False, cc_arrival_eta=False, cc_arrival_note=False)
            if due is not None:
                values.update(cc_due_date=due, cc_late_notified=False)
            orders.sudo().write(values)
        # sudo: the timeline is append-only for everyone; the user's right to act on the
        # orders was checked above (write access, group, guards).
        events = self.env["click_collect.event"].sudo().create([
            {
                "order_id": order.id,
                "from_state": sources[order.id] or False,
                "to_state": target,
                "date": now,
                "user_id": self.env.uid,
                "store_id": (store or order.cc_store_id).id,
                "channel": channel,
                "note": (note.get(order.id) if isinstance(note, dict) else note) or False,
                "late": order.id in late,
                **(event_values or {}),
            }
            for order in self
        ]).sudo(False)
        effect = getattr(self, f"_cc_after_{target}", None)
        if effect:
            effect(**details)
        if channel in const.PERSON_CHANNELS and target in self._cc_carrier_states():
            # a person overrules the courier: its updates (its connector's, or the carrier state
            # another addon follows) no longer move these shipments
            self._cc_shipped_deliveries().cc_tracking_manual = True
        self._cc_log_events(events)
        self._cc_notify(events)
        return events

    def _cc_check_target(self, target):
        if target not in self._fields["cc_state"].get_values(self.env):
            raise UserError(self.env._("Unknown flow state: %(state)s", state=target))

    def _cc_check_transition(self, target, *, check_group=True):
        """Return the list of reasons (one per refused order) why ``target`` is not allowed."""
        return [reason for reasons in self._cc_refusals(target, check_group=check_group).values()
                for reason in reasons]

    def _cc_refusals(self, target, *, check_group=True):
        """Why ``target`` is not allowed, by order: ``{order: [reasons]}`` of the refused orders
        only, in the orders' order. :raise UserError: when the user may not change them at all"""
        refusals = {}

        def refuse(order, reason):
            refusals.setdefault(order, []).append(reason)

        state_labels = dict(self._fields["cc_state"]._description_selection(self.env))
        target_label = state_labels[target]
        if not self.env.su:
            try:
                self.check_access("write")
            except AccessError:
                raise UserError(self.env._(
                    "You may not change these web orders (they belong to a store you do not "
                    "work for)."
                )) from None
        table = self._cc_transition_table()
        allowed = {}
        for order in self:
            key = (order.cc_fulfilment, order.cc_state or None, target)
            current = state_labels.get(order.cc_state) or self.env._("outside the flow")
            if not order.cc_fulfilment:
                refuse(order, self.env._("%(order)s is not a web order (it has no fulfilment).", order=order.name))
            elif key not in table:
                refuse(order, self.env._(
                    "%(order)s is %(state)s: it cannot become %(target)s.",
                    order=order.name, state=current, target=target_label,
                ))
            else:
                allowed.setdefault(table[key], self.browse())
                allowed[table[key]] |= order
        for (guards, group), orders in allowed.items():
            if check_group and not self.env.su and not self.env.user.has_group(group):
                # sudo: the name of the group the user lacks, for the message only
                group_name = self.env.ref(group).sudo().full_name
                for order in orders:
                    refuse(order, self.env._(
                        "%(order)s cannot become %(target)s: only %(group)s may do that.",
                        order=order.name, target=target_label, group=group_name,
                    ))
                continue
            for guard in guards:
                for order, reason in getattr(orders, f"_cc_guard_{guard}")().items():
                    refuse(order, self.env._(
                        "%(order)s is %(state)s and cannot become %(target)s: %(reason)s",
                        order=order.name, state=state_labels[order.cc_state],
                        target=target_label, reason=reason,
                    ))
        return {order: refusals[order] for order in self if order in refusals}

    def _cc_log_events(self, events):
        state_labels = dict(self._fields["cc_state"]._description_selection(self.env))
        channel_labels = dict(self.env["click_collect.event"]._fields["channel"]._description_selection(self.env))
        bodies = {}
        for event in events:
            body = Markup("<b>%s</b> &rarr; <b>%s</b> (%s%s)") % (
                state_labels[event.from_state] if event.from_state else self.env._("Start"),
                state_labels[event.to_state],
                channel_labels[event.channel],
                (", " + event.store_id.name) if event.store_id else "",
            )
            if event.note:
                body += Markup("<br/>") + event.note
            bodies[event.order_id.id] = body
        # The door checked the user's right to change these orders. What the customer did from
        # their order's page (channel portal) is the customer's.
        by_customer = events.filtered(lambda e: e.channel == "portal").order_id
        for customer, orders in by_customer.grouped("partner_id").items():
            orders._message_log_batch({order.id: bodies.pop(order.id) for order in orders}, author_id=customer.id)
        if bodies:
            self._message_log_batch(bodies, author_id=self.env.user.partner_id.id)

    def _cc_notify(self, events):
        """Tell everyone who follows these orders about their new states.

        Each audience has its own method, called by the door after every transition:
        the customer (email, SMS), the web shop that sent the order (status webhook) and the
        stores' open points of sale (bus). None of them may block or undo the transition.
        """
        self._cc_notify_customer(events)
        self._cc_notify_web_shop(events)
        self._cc_notify_stores(events)

    def _cc_notify_stores(self, events):
        """Tell the orders' stores about their new states: a new web order, or a customer on
        their way or here, pops up in the back office of its store's staff (Odoo's notification
        over the bus, sent at commit); the point of sale's addon also rings the stores' open
        points of sale."""
        arrived = events.filtered(lambda e: e.to_state == "new").order_id
        if arrived:
            self._cc_tell_staff_of_new_orders(arrived)
        coming = events.filtered(lambda e: e.arrival in ("on_the_way", "arrived"))
        if coming:
            self._cc_tell_staff_of_arrivals(coming)

    def _cc_notify_customer(self, events):
        """Tell the customers about the new states of their orders (email and SMS).

        Queues the message of each customer-facing state (``_cc_notification_steps``); it is
        sent after the transaction commits (see click_collect.notification).
        """
        self._cc_queue_customer_messages(events)

    def _cc_notify_web_shop(self, events):
        """Tell the web shops that sent the orders about their new states: nothing here;
        click_collect_api posts its signed status webhooks."""

    def _cc_notify_pickup_reminder(self):
        """Remind the customers of ready orders that are about to expire.

        Called by the expiry job: queues the "pickup reminder" message of each order (once per
        stay at the counter), sent after the transaction commits.
        """
        self._cc_queue_pickup_reminders()

    # ---- the rest of a web order, one concern a file: who writes and reads which fields
    # (sale_order_access.py), guards and effects of the states (sale_order_steps.py), stock
    # (sale_order_stock.py), couriers (sale_order_courier.py), buttons and payments
    # (sale_order_payment.py), lookup (sale_order_lookup.py), the customer's
    # messages and tracking page (sale_order_customer.py), the pickup code and the hand-over at
    # the counter (sale_order_pickup.py).
