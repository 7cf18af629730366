import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_amount

from .. import const
from ..tools.order_barcode import code128_png_base64

_logger = logging.getLogger(__name__)


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
        groups="click_collect.group_store_user,click_collect.group_web_shop_api",
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
    cc_cod_move_id = fields.Many2one(
        "account.move", string="Cash on Delivery Entry", copy=False, readonly=True, index="btree_not_null",
        help="The entry that made the courier owe the collected cash instead of the customer.",
    )

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

    # ------------------------------------------------------------------ computes

    @api.model
    def _cc_group_expand_states(self, states, domain):
        """Kanban columns: the states of the fulfilment shown, final ones only when not empty."""
        fulfilment = self.env.context.get("cc_kanban_fulfilment")
        keys = const.FULFILMENT_STATES.get(fulfilment) or [key for key, _label in const.STATES]
        return [key for key in keys if key not in const.FINAL_STATES or key in states]

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

    def _cc_allowed_targets(self):
        """The states the table allows from this order's state (guards aside)."""
        self.ensure_one()
        if not self.cc_fulfilment:
            return []
        return [
            target for (fulfilment, source, target) in const.TRANSITION_TABLE
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

    # ------------------------------------------------------------------ who writes what

    def _cc_check_flow_values(self, vals_list):
        """Refuse the values that only the flow's actions may set, whoever asks and whatever the
        context (every public method is reachable over RPC with any context).

        - The flow's fields (every ``cc_*`` field) change through the flow's actions, which
          check the user, the table and the guards and then write as superuser. A web-order
          manager may still set the fulfilment, the store and the payment method of an order
          that is not accepted yet (const.MANAGER_FLOW_FIELDS).
        - On web orders, only web-order managers and Sales administrators write Odoo's own
          fields of the order (customer, lines, prices): the order is the web shop's, and what
          it was paid for; store staff and salespeople act on it through the flow
          (const.CLERK_WRITABLE_FIELDS lists the exceptions).

        :param self: the orders written (empty for a creation)
        :raise UserError: naming the field and the action to use instead
        """
        if self.env.su:
            return
        if self:
            names = {name for vals in vals_list for name in vals}
        else:  # a creation: what it sets, and the defaults it takes from the context
            names = {name for vals in vals_list for name, value in vals.items() if value}
            names |= {key[8:] for key, value in self.env.context.items() if key.startswith("default_") and value}
        flow = sorted(name for name in names if name.startswith("cc_") and name in self._fields)
        if flow:
            manager = self.env.user.has_group(const.MANAGER)
            not_accepted = not any(state not in (False, "new") for state in self.mapped("cc_state"))
            # the store and the fulfilment decide the order's stock: they change before it is
            # confirmed (its goods are reserved at the store then)
            not_confirmed = not any(state not in ("draft", "sent") for state in self.mapped("state"))
            for name in flow:
                allowed = manager and name in const.MANAGER_FLOW_FIELDS and not_accepted and (
                    name == "cc_payment_method" or not_confirmed)
                if not allowed:
                    raise UserError(self._cc_flow_field_refusal(name))
        others = sorted(names - set(flow) - const.CLERK_WRITABLE_FIELDS)
        if others and self and any(self.mapped("cc_fulfilment")) and not self.env.user._cc_edits_web_orders():
            field = self._fields.get(others[0])
            raise UserError(self._cc_deal_refusal(field.get_description(self.env)["string"] if field else others[0]))

    def _cc_deal_refusal(self, field):
        """The message refusing a change of Odoo's own field ``field`` (its label) of a web
        order to a user who is neither a web-order manager nor a Sales administrator."""
        return self.env._(
            "%(field)s of a web order is changed by web-order managers only: the order is the "
            "web shop's, and what it was paid for. Use the order's actions (accept, prepare, hand "
            "over, ship, register a payment) or ask a web-order manager.",
            field=field,
        )

    def _cc_flow_field_refusal(self, name):
        """The message refusing a direct change of the flow's field ``name``: what it is and
        which action changes it."""
        flow_actions = self.env._("use the order's actions (Accept, Start Preparing, Ready for Pickup, "
                                  "Hand Over, Ship, Cancel), its scan screens or the point of sale")
        manager_before_confirm = self.env._("a web-order manager sets it before the order is confirmed")
        manager_before_accept = self.env._("a web-order manager sets it before the order is accepted")
        payment = self.env._("use Register Payment, or take the payment at the counter")
        actions = {
            "cc_state": flow_actions,
            "cc_state_date": flow_actions,
            "cc_fulfilment": manager_before_confirm,
            "cc_store_id": manager_before_confirm,
            "cc_payment_method": self.env._("%(who)s; money received is recorded with Register Payment",
                                            who=manager_before_accept),
            "cc_amount_paid": payment,
            "cc_payment_state": payment,
            "cc_web_shop_id": self.env._("it is set by the web shop's API when the web shop sends the order"),
            "cc_external_ref": self.env._("it is set by the web shop's API when the web shop sends the order"),
            "cc_courier_name": self.env._("use Ship"),
            "cc_tracking_ref": self.env._("use Ship"),
            "cc_event_ids": self.env._("the timeline records what the flow's actions do"),
            "cc_pickup_code": self.env._("the customer receives it; nobody changes it"),
            "cc_tracking_token": self.env._("the customer receives it in the link of their messages; nobody "
                                            "changes it"),
            "cc_pickup_failures": self.env._("wrong pickup codes at the counter count it; a store manager "
                                             "starts it again with Unlock Hand-Over"),
            "cc_cod_move_id": self.env._("use Collect COD, or import the courier's remittance"),
            "cc_reminder_sent": self.env._("the daily job sends the pickup reminders"),
        }
        field = self._fields[name]
        return self.env._(
            "%(field)s of a web order only changes through the flow: %(action)s.",
            field=field.get_description(self.env)["string"],
            action=actions.get(name) or self.env._("it is computed by the flow"),
        )

    @api.model
    def _has_field_access(self, field, operation):
        """Override of `base`: store staff without Sales rights do not read the orders' portal
        tokens (``access_token``): they open the customer's pages, which are the customer's.
        Users with Sales rights keep Odoo's use of them (preview, share)."""
        if field.name == "access_token" and not self.env.su and self.env.user.has_group(const.STORE_USER) \
                and not self.env.user.has_group("sales_team.group_sale_salesman"):
            return False
        return super()._has_field_access(field, operation)

    def _portal_ensure_token(self):
        """Override of `portal`: for a user who may not read the token (see
        ``_has_field_access``) the token is still made, for the customer's links, and an empty
        one is answered: Odoo's links built from it (Sales' "Preview") then open the page with
        the user's own login."""
        if not self._has_field_access(self._fields["access_token"], "read"):
            # the token is the customer's: made for the customer's links, never read here
            self.sudo()._portal_ensure_token()
            return ""
        return super()._portal_ensure_token()

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
        book their revenue on their revenue store."""
        res = super()._action_confirm()
        self.filtered(lambda o: o.cc_fulfilment == "pickup")._cc_plan_supply()
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

        Checks the transition table (const.TRANSITIONS) and its guards for every order, then
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
        if target not in dict(const.STATES):
            raise UserError(self.env._("Unknown flow state: %(state)s", state=target))
        if not self:
            return self.env["click_collect.event"]
        errors = self._cc_check_transition(target, check_group=check_group)
        if errors:
            raise UserError("\n".join(errors))

        now = fields.Datetime.now()
        sources = {order.id: order.cc_state for order in self}
        # Write the state first: two sessions racing on one order conflict here, and the
        # loser's whole transaction (events, stock, messages) is rolled back.
        # sudo: the door is the only writer of the flow state (nobody else may write it, see
        # _cc_check_flow_values); the user's right to act was checked just above.
        self.sudo().write({"cc_state": target, "cc_state_date": now})
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
                **(event_values or {}),
            }
            for order in self
        ]).sudo(False)
        effect = getattr(self, f"_cc_after_{target}", None)
        if effect:
            effect(**details)
        if channel in const.PERSON_CHANNELS and target in const.CARRIER_STATES:
            # a person overrules the courier: its updates no longer move these shipments
            self._cc_shipments().cc_tracking_manual = True
        self._cc_log_events(events)
        self._cc_notify(events)
        return events

    def _cc_check_transition(self, target, *, check_group=True):
        """Return the list of reasons (one per refused order) why ``target`` is not allowed."""
        errors = []
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
        allowed = {}
        for order in self:
            key = (order.cc_fulfilment, order.cc_state or None, target)
            current = state_labels.get(order.cc_state) or self.env._("outside the flow")
            if not order.cc_fulfilment:
                errors.append(self.env._("%(order)s is not a web order (it has no fulfilment).", order=order.name))
            elif key not in const.TRANSITION_TABLE:
                errors.append(self.env._(
                    "%(order)s is %(state)s: it cannot become %(target)s.",
                    order=order.name, state=current, target=target_label,
                ))
            else:
                allowed.setdefault(const.TRANSITION_TABLE[key], self.browse())
                allowed[const.TRANSITION_TABLE[key]] |= order
        for (guards, group), orders in allowed.items():
            if check_group and not self.env.su and not self.env.user.has_group(group):
                # sudo: the name of the group the user lacks, for the message only
                group_name = self.env.ref(group).sudo().full_name
                errors.extend(self.env._(
                    "%(order)s cannot become %(target)s: only %(group)s may do that.",
                    order=order.name, target=target_label, group=group_name,
                ) for order in orders)
                continue
            for guard in guards:
                for order, reason in getattr(orders, f"_cc_guard_{guard}")().items():
                    errors.append(self.env._(
                        "%(order)s is %(state)s and cannot become %(target)s: %(reason)s",
                        order=order.name, state=state_labels[order.cc_state],
                        target=target_label, reason=reason,
                    ))
        return errors

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
        # The door checked the user's right to change these orders.
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
        """Tell the orders' stores about their new states (the point of sale's addon rings
        the stores' open points of sale)."""

    def _cc_notify_customer(self, events):
        """Tell the customers about the new states of their orders (email and SMS).

        Queues the message of each customer-facing state (const.STATE_NOTIFICATION_STEP); it is
        sent after the transaction commits (see click_collect.notification).
        """
        self._cc_queue_customer_messages(events)

    def _cc_notify_web_shop(self, events):
        """Post the new states to the web shops that sent the orders (signed status webhook).

        Deliveries are queued in this transaction and sent after commit, retried while the
        web shop fails (model click_collect.webhook.delivery).
        """
        self.env["click_collect.webhook.delivery"]._enqueue(events)

    def _cc_notify_pickup_reminder(self):
        """Remind the customers of ready orders that are about to expire.

        Called by the expiry job: queues the "pickup reminder" message of each order (once per
        stay at the counter), sent after the transaction commits.
        """
        self._cc_queue_pickup_reminders()

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

    def _cc_guard_cod(self):
        return {
            order: self.env._("it is not a cash-on-delivery order.")
            for order in self if order.cc_payment_method != "cod"
        }

    def _cc_guard_not_cod(self):
        return {
            order: self.env._("a cash-on-delivery order waits for the courier's remittance (Awaiting COD).")
            for order in self if order.cc_payment_method == "cod" and order.cc_payment_state != "paid"
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
        pickings = self._cc_turnover_resource(pickings)
        context = {"skip_sms": True, "skip_backorder": True}
        if not keep_rest:
            context["picking_ids_not_to_backorder"] = pickings.ids
        # skip_sms: the customer hears from the flow's own messages, never from the
        # "has been shipped" text of a delivery. sudo: the door checked the hand-over or the
        # shipment; with a turnover store the delivery leaves from that store's stock, which
        # the store's staff do not manage.
        res = pickings.sudo().with_context(**context).button_validate()
        if res is not True:
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
        return max(self.amount_total - self.cc_amount_paid, 0.0)

    def _cc_after_awaiting_cod(self, **details):
        """The courier delivered and collected the cash: the order's invoice is paid by the
        courier, who now owes the shop that money (a receivable on the courier's partner, settled
        when its remittance is reconciled)."""
        # sudo: invoicing and moving a receivable are accounting the system does for the flow;
        # the door checked who asked (often the courier's callback itself).
        # An order shipped with a courier typed in by hand has no courier record to owe the cash:
        # its invoice waits for the cash registered on the order (Register Payment).
        orders = self.sudo().filtered(lambda o: not o.cc_cod_move_id and o._cc_courier(required=False))
        to_invoice = orders.filtered(
            lambda o: not o.invoice_ids.filtered(lambda m: m.state == "posted" and m.move_type == "out_invoice")
        )
        if to_invoice:
            to_invoice._create_invoices(grouped=True).action_post()  # one invoice per order
        # one miscellaneous journal per company, read once for all the orders
        journals = {}
        for journal in self.env["account.journal"].sudo().search(
                [("type", "=", "general"), ("company_id", "in", orders.company_id.ids)], order="sequence, id"):
            journals.setdefault(journal.company_id.id, journal)
        entries, receivables = [], []
        for order in orders:
            invoice_lines = order.invoice_ids.filtered(
                lambda m: m.state == "posted" and m.move_type == "out_invoice"
            ).line_ids.filtered(lambda line: line.account_type == "asset_receivable" and not line.reconciled)
            due = sum(invoice_lines.mapped("amount_residual"))
            if order.currency_id.is_zero(due) or not invoice_lines:
                continue
            courier = order._cc_courier()._cc_remitting_partner()
            journal = journals.get(order.company_id.id)
            if not journal:
                raise UserError(self.env._("%(company)s has no miscellaneous journal for cash-on-delivery entries.",
                                  company=order.company_id.name))
            account = invoice_lines[0].account_id
            entries.append({
                "move_type": "entry",
                "journal_id": journal.id,
                "date": fields.Date.context_today(self),
                "ref": self.env._("Cash on delivery of %(order)s, collected by %(courier)s", order=order.name,
                         courier=courier.name),
                "cc_cod_order_id": order.id,
                "line_ids": [
                    Command.create({"account_id": account.id, "partner_id": courier.id, "debit": due,
                                    "name": self.env._("%(order)s: cash collected by the courier", order=order.name)}),
                    Command.create({"account_id": account.id, "partner_id": invoice_lines[0].partner_id.id,
                                    "credit": due,
                                    "name": self.env._("%(order)s: paid cash on delivery", order=order.name)}),
                ],
            })
            receivables.append((order, invoice_lines))
        if not entries:
            return
        moves = self.env["account.move"].sudo().create(entries)
        moves.action_post()
        plan = []
        for (order, invoice_lines), move in zip(receivables, moves, strict=True):
            plan.append(move.line_ids.filtered(lambda line: line.credit) | invoice_lines)
            order.cc_cod_move_id = move
        # each order's invoice against its own entry, all in one pass of Odoo's reconciliation
        self.env["account.move.line"]._reconcile_plan(plan)

    def _cc_courier(self, required=True):
        """The courier of a shipped order: its shipment's carrier, or the order's."""
        self.ensure_one()
        shipments = self.picking_ids.filtered(
            lambda p: p.state == "done" and p.location_dest_id.usage == "customer" and p.carrier_id)
        courier = shipments[:1].carrier_id or self.carrier_id
        if not courier and required:
            raise UserError(self.env._("%(order)s has no courier to collect its cash on delivery.", order=self.name))
        return courier

    def _cc_cod_receivable_lines(self):
        """What the courier still owes for these orders (open lines of their COD entries)."""
        # sudo: web-order managers read what a courier owes for orders they see, without being
        # accountants.
        return self.sudo().cc_cod_move_id.line_ids.filtered(
            lambda line: line.debit and line.account_type == "asset_receivable" and not line.reconciled
        )

    def action_cc_collect_cod(self):
        self.ensure_one()
        return self._cc_wizard_action("click_collect.cod.collect",
                                      self.env._("Collect the cash of %(order)s", order=self.name))

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
        """Ask the store's manager to pay back what the customer paid for a cancelled order."""
        for order in self:
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Refund %(amount)s to the customer",
                                   amount=order._cc_format_amount(order.cc_amount_paid)),
                note=self.env._("%(order)s was paid (%(method)s) and will not be delivered: refund the customer.",
                       order=order.name,
                       method=dict(order._fields["cc_payment_method"]._description_selection(self.env)).get(
                           order.cc_payment_method, "")),
                user_id=order.user_id.id or self.env.uid,
            )

    def _cc_after_cancelled(self, **details):
        # sudo: cancelling a sales order also cancels its deliveries and draft invoices, which
        # store staff do not manage; the door checked that this user may cancel these orders.
        self.filtered(lambda o: o.state != "cancel").sudo()._action_cancel()

    # ------------------------------------------------------------------ stock

    def _cc_revenue_store(self):
        """The store that books this order's revenue: the web shop's turnover store, if any."""
        self.ensure_one()
        return self.cc_web_shop_id.turnover_store_id or self.cc_store_id

    def _cc_plan_supply(self):
        """Supply the pickup orders' lines that their store cannot serve from a source warehouse.

        A line whose goods are not all free at the store is supplied in full from the first
        warehouse the store is resupplied from (its "Resupply From" warehouses) that has them,
        through that warehouse's resupply route: Odoo's procurement creates the transfer to the
        transit location and the receipt at the store, and the delivery to the customer waits
        for that receipt.
        """
        moves = self._cc_store_deliveries().move_ids.filtered(
            lambda m: m.state in ("confirmed", "partially_available") and m.sale_line_id
            and m.picking_id.sale_id.cc_fulfilment == "pickup"
        )
        if not moves:
            return
        free = {}  # (warehouse, product) -> free quantity, read once per source warehouse
        for source in moves.picking_id.picking_type_id.warehouse_id.resupply_wh_ids:
            for product in moves.product_id.with_context(warehouse_id=source.id):
                free[source, product] = product.free_qty
        procurements = []
        for move in moves:
            store = move.picking_id.picking_type_id.warehouse_id
            for source in store.resupply_wh_ids:
                qty = move.product_uom._compute_quantity(move.product_uom_qty, move.product_id.uom_id)
                if move.product_id.uom_id.compare(free.get((source, move.product_id), 0.0), qty) < 0:
                    continue
                route = store.resupply_route_ids.filtered(lambda r, s=source: r.supplier_wh_id == s)[:1]
                if not route:
                    continue
                free[source, move.product_id] -= qty
                move._do_unreserve()
                move.procure_method = "make_to_order"
                values = move._prepare_procurement_values()
                values.update({
                    "route_ids": route,
                    "warehouse_id": store,
                    "move_dest_ids": move,
                })
                procurements.append(self.env["stock.rule"].Procurement(
                    move.product_id, move.product_uom_qty, move.product_uom, store.lot_stock_id,
                    move.sale_line_id.name, move.origin or move.picking_id.origin, move.company_id, values,
                ))
                break
        if procurements:
            # sudo: resupplying a store is stock management the web order asks for; the goods
            # move between warehouses whoever confirmed the order.
            self.env["stock.rule"].sudo().run(procurements)

    def _cc_supply_moves(self):
        """Moves that bring the orders' goods from a source warehouse to their store's stock."""
        return self.picking_ids.move_ids.filtered(
            lambda m: m.state != "cancel" and (
                m.location_dest_id.usage == "transit"
                or (m.location_id.usage == "transit"
                    and m.location_dest_id.warehouse_id == m.picking_id.sale_id.cc_store_id)
            )
        )

    def _cc_sync_with_stock(self, channel="backoffice", note=None):
        """Move pickup orders on when their goods moved: sent from the source warehouse ->
        in transit; received at the store, every line reserved for the customer -> ready."""
        orders = self.filtered(
            lambda o: o.cc_fulfilment == "pickup" and o.cc_state in ("preparing", "in_transit")
        )
        for order in orders:
            supply = order._cc_supply_moves()
            if not supply:
                continue
            to_transit = supply.filtered(lambda m: m.location_dest_id.usage == "transit")
            receipts = supply - to_transit
            if order.cc_state == "preparing" and any(m.state == "done" for m in to_transit):
                order._cc_transition("in_transit", channel=channel, note=order._cc_supply_note(receipts) or note)
            if order.cc_state == "in_transit" and all(m.state == "done" for m in receipts):
                if not order._cc_guard_goods_at_store():
                    order._cc_transition("ready", channel=channel,
                                         note=note or self.env._("Every line arrived at the store."))
            elif order.cc_state == "in_transit" and any(m.state == "done" for m in receipts):
                order._cc_log_timeline_note(order._cc_supply_note(receipts), channel=channel)

    def _cc_receive_at_store(self):
        """The goods in transit arrived at the store (acceptance scan): validate their receipts.

        Their arrival moves the orders on (ready when every line is there).
        :return: the validated receipts
        """
        # sudo: whether the goods left the other warehouse is read there; the receipts found are
        # the store's own, validated by its staff.
        receipts = self.sudo()._cc_supply_moves().filtered(
            lambda m: m.location_id.usage == "transit" and m.state not in ("done", "cancel")
            and m.move_orig_ids and all(orig.state == "done" for orig in m.move_orig_ids)
        ).picking_id.sudo(False)
        if receipts:
            receipts.move_ids.filtered(lambda m: m.state not in ("done", "cancel")).picked = True
            receipts.with_context(skip_sms=True, skip_backorder=True).button_validate()
        return receipts

    def _cc_supply_note(self, receipts):
        """Which lines arrived at the store, and which are still on their way (and from where)."""
        self.ensure_one()
        arrived = receipts.filtered(lambda m: m.state == "done")
        waiting = receipts - arrived
        parts = []
        if arrived:
            parts.append(self.env._("Arrived: %(lines)s.", lines=", ".join(
                f"{m.product_id.display_name} ({m.quantity:g})" for m in arrived)))
        if waiting:
            parts.append(self.env._("Still on its way: %(lines)s.", lines=", ".join(
                f"{m.product_id.display_name} ({m.product_uom_qty:g}, "
                f"{m.move_orig_ids.location_id.warehouse_id.name or m.location_id.display_name})"
                for m in waiting)))
        return " ".join(parts)

    def _cc_log_timeline_note(self, note, channel="backoffice"):
        """Add a step to the timeline that does not change the state (a partial arrival, a
        partial hand-over, a reminder sent)."""
        # sudo: the timeline is append-only; the caller acts on orders it may change.
        return self.env["click_collect.event"].sudo().create([{
            "order_id": order.id,
            "from_state": order.cc_state,
            "to_state": order.cc_state,
            "user_id": self.env.uid,
            "store_id": order.cc_store_id.id,
            "channel": channel,
            "note": note,
        } for order in self]).sudo(False)

    def _cc_transfer(self, source, destination, quantities, note):
        """Move goods from one warehouse's stock to another's, done at once (turnover store).

        :param dict quantities: {product.product: quantity in the product's unit}
        :return: the validated stock.picking
        """
        self.ensure_one()
        quantities = {product: qty for product, qty in quantities.items() if qty > 0}
        if not quantities or source == destination:
            return self.env["stock.picking"]
        # sudo: the turnover transfer is bookkeeping between two warehouses that the store
        # staff handing the order over does not manage; the door checked the hand-over itself.
        Picking = self.env["stock.picking"].sudo()
        picking = Picking.create({
            "picking_type_id": source.int_type_id.id,
            "location_id": source.lot_stock_id.id,
            "location_dest_id": destination.lot_stock_id.id,
            "origin": self.name,
            "note": note,
            "move_ids": [Command.create({
                # linked to the order's line: the transfer shows on the order (it is not a
                # delivery: it does not count as delivered)
                "sale_line_id": self.order_line.filtered(lambda sol, p=product: sol.product_id == p)[:1].id,
                "reference_ids": [Command.set(self.stock_reference_ids.ids)],
                "product_id": product.id,
                "product_uom_qty": qty,
                "product_uom": product.uom_id.id,
                "location_id": source.lot_stock_id.id,
                "location_dest_id": destination.lot_stock_id.id,
            }) for product, qty in quantities.items()],
        })
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        if picking.state != "assigned":
            raise UserError(self.env._(
                "%(source)s does not have the goods to transfer to %(destination)s for %(order)s.",
                source=source.name, destination=destination.name, order=self.name,
            ))
        picking.with_context(skip_sms=True, skip_backorder=True).button_validate()
        return picking.sudo(False)

    def _cc_turnover_resource(self, pickings):
        """With a turnover store T, goods delivered by store S are first transferred S -> T,
        and the delivery leaves from T: the sale is made by T."""
        for picking in pickings:
            order = picking.sale_id
            turnover = order.cc_web_shop_id.turnover_store_id
            store = picking.picking_type_id.warehouse_id
            if not turnover or turnover == store:
                continue
            moves = picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            quantities = {move: move.quantity for move in moves}
            delivered = {}
            for move, qty in quantities.items():
                product_qty = move.product_uom._compute_quantity(qty, move.product_id.uom_id)
                delivered[move.product_id] = delivered.get(move.product_id, 0.0) + product_qty
            # sudo: the delivery now leaves from the turnover store, which the store staff do
            # not manage (same reason as the transfer in _cc_transfer). Its goods, reserved at
            # the store until now, are the ones the transfer takes.
            picking_sudo = picking.sudo()
            picking_sudo.do_unreserve()
            order._cc_transfer(store, turnover, delivered, self.env._(
                "Turnover of %(order)s: sold by %(turnover)s, handed over by %(store)s",
                order=order.name, turnover=turnover.name, store=store.name,
            ))
            picking_sudo.write({
                "picking_type_id": turnover.out_type_id.id,
                "location_id": turnover.lot_stock_id.id,
            })
            moves.sudo().write({
                "location_id": turnover.lot_stock_id.id,
                "picking_type_id": turnover.out_type_id.id,
                "warehouse_id": turnover.id,
                "procure_method": "make_to_stock",
                "move_orig_ids": [Command.clear()],
            })
            picking_sudo.action_assign()
            for move, qty in quantities.items():
                if move.product_uom.compare(move.quantity, qty) != 0:
                    move.sudo().quantity = qty
            moves.sudo().picked = True
        return pickings

    @api.model
    def _cc_cron_expire(self):
        """Daily: remind the customers of orders about to expire, expire the uncollected ones.

        Idempotent: an order is reminded once, and only ready orders expire.
        """
        now = fields.Datetime.now()
        to_remind = self.search([
            ("cc_state", "=", "ready"), ("cc_reminder_date", "<=", now),
            ("cc_expiry_date", ">", now), ("cc_reminder_sent", "=", False),
        ])
        if to_remind:
            to_remind._cc_notify_pickup_reminder()
            # sudo: a flow field, written by the job (see _cc_check_flow_values)
            to_remind.sudo().cc_reminder_sent = True
            to_remind._cc_log_timeline_note(self.env._("Pickup reminder sent."), channel="cron")
        expired = self.search([("cc_state", "=", "ready"), ("cc_expiry_date", "<=", now)])
        if expired:
            expired._cc_transition("expired", channel="cron", note=self.env._("Not collected in time."))
        return expired

    # ------------------------------------------------------------------ couriers

    def _cc_shipments(self):
        """The orders' deliveries handed to a courier with a connector."""
        return self.picking_ids.filtered(
            lambda p: p.state == "done" and p.location_dest_id.usage == "customer" and p.carrier_tracking_ref
            and p.carrier_id.delivery_type in ("cc_ghn", "cc_dhl")
        )

    def _cc_ship_with_carrier(self, carrier, channel="backoffice"):
        """Create the shipment at the courier (tracking number, label), then ship the order."""
        self.ensure_one()
        if self.cc_state not in ("preparing", "failed"):
            raise UserError(self.env._("%(order)s cannot be shipped now (it is %(state)s).", order=self.name,
                              state=dict(self._fields["cc_state"]._description_selection(self.env))[self.cc_state]))
        if (self.cc_payment_method == "cod" and self.cc_payment_state != "paid"
                and not carrier.allow_cash_on_delivery):
            raise UserError(self.env._(
                "%(carrier)s does not collect cash on delivery: choose a courier that does for %(order)s.",
                carrier=carrier.name, order=self.name,
            ))
        pickings = self._cc_store_deliveries()
        if len(pickings) != 1:
            raise UserError(self.env._("%(order)s needs exactly one delivery to ship (it has %(count)s).",
                              order=self.name, count=len(pickings)))
        pickings.carrier_id = carrier
        pickings.send_to_shipper()
        self._cc_set_shipment(carrier, carrier.name, pickings.carrier_tracking_ref)
        return self._cc_transition("shipped", channel=channel)

    def _cc_set_shipment(self, carrier, courier_name, tracking_ref):
        """Record the courier and the tracking number of an order about to be shipped.

        :param carrier: the delivery.carrier, if any (a courier with or without a connector)
        :param str courier_name: the courier's name, for a courier without a record
        :param str tracking_ref: the courier's tracking number
        """
        self.ensure_one()
        courier_name = (courier_name or "").strip() or carrier.name
        tracking_ref = (tracking_ref or "").strip()
        if not courier_name or not tracking_ref:
            raise UserError(self.env._("Shipping needs the courier and the tracking number."))
        if "shipped" not in self._cc_allowed_targets():
            raise UserError(self.env._("%(order)s cannot be shipped now (it is %(state)s).", order=self.name,
                              state=dict(self._fields["cc_state"]._description_selection(self.env))[self.cc_state]))
        if not self.env.su:
            self.check_access("write")
        # sudo: the courier and the tracking number are flow fields (see _cc_check_flow_values),
        # written by this action once it checked that the user may ship this order.
        self.sudo().write({
            "carrier_id": carrier.id or self.carrier_id.id,
            "cc_courier_name": courier_name,
            "cc_tracking_ref": tracking_ref,
        })

    def _cc_follow_carrier(self, target, channel="webhook", note=None):
        """Move ship-from-store orders to what the courier reports, through the table:
        delivered becomes awaiting COD when cash is to be remitted; returned passes by failed.
        Orders on the same path move together, one transition per step.

        :param note: a text for the timeline, or {order id: text}
        """
        paths = {}
        for order in self.filtered(lambda o: o.cc_fulfilment == "ship"):
            goal = target
            if goal == "delivered" and order.cc_payment_method == "cod" and order.cc_payment_state != "paid":
                goal = "awaiting_cod"
            path = tuple(order._cc_path_to(goal))
            if path:
                paths[path] = paths.get(path, self.browse()) | order
        for path, orders in paths.items():
            for step in path:
                orders._cc_transition(step, channel=channel, note=note)

    def _cc_path_to(self, goal):
        """The shortest way from the order's state to ``goal`` in the table (empty when the
        order is there already or cannot get there)."""
        self.ensure_one()
        if self.cc_state == goal:
            return []
        paths = {self.cc_state: []}
        frontier = [self.cc_state]
        while frontier:
            state = frontier.pop(0)
            for fulfilment, source, target in const.TRANSITION_TABLE:
                if fulfilment == self.cc_fulfilment and source == state and target not in paths \
                        and target in const.CARRIER_STATES | {"shipped"}:
                    paths[target] = [*paths[state], target]
                    if target == goal:
                        return paths[target]
                    frontier.append(target)
        return []

    def action_cc_print_label(self):
        self.ensure_one()
        shipments = self._cc_shipments() or self.picking_ids.filtered("carrier_tracking_ref")
        if not shipments:
            raise UserError(self.env._("%(order)s has no shipment with a label.", order=self.name))
        return shipments[:1].action_cc_print_label()

    def action_cc_resume_tracking(self):
        self._cc_shipments().action_cc_resume_tracking()
        return True

    # ------------------------------------------------------------------ actions

    def action_cc_transition(self):
        """Button and list action: the target state comes in the context (``cc_target``)."""
        target = self.env.context.get("cc_target")
        if not target:
            raise UserError(self.env._("No flow state was given."))
        self._cc_transition(target, channel="backoffice")
        return True

    def action_cc_ship(self):
        self.ensure_one()
        return self._cc_wizard_action("click_collect.ship", self.env._("Ship %(order)s", order=self.name))

    def action_cc_hand_over_in_part(self):
        """Hand over in full or in part (the hand-over screen)."""
        self.ensure_one()
        return self._cc_wizard_action("click_collect.handover", self.env._("Hand over %(order)s", order=self.name))

    def action_cc_register_payment(self):
        self.ensure_one()
        return self._cc_wizard_action(
            "click_collect.payment.register", self.env._("Register a payment for %(order)s", order=self.name),
        )

    def _cc_wizard_action(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    # ------------------------------------------------------------------ payments

    @api.model
    def _cc_provider_payment_method(self, provider):
        """The payment method of a provider, also when the provider is not enabled (a wire
        transfer provider only used for payments registered by hand)."""
        # sudo: payment methods of a disabled provider are the system's; only the id is used
        return provider.payment_method_ids[:1] or self.env["payment.method"].sudo().with_context(
            active_test=False,
        ).search([("code", "in", list(provider._get_default_payment_method_codes()))], limit=1)

    def _cc_default_payment_journal(self, method):
        """Cash at the counter goes to the store's till, the rest to the store's bank journal.

        A store without its own journal books in the company's first journal of that type,
        except for store staff: they book only into their store's journals."""
        store = self.cc_store_id
        journal = store.cc_cash_journal_id if method == "pay_at_store" else store.cc_bank_journal_id
        if journal or self._cc_payment_journals_limited():
            return journal
        journal_type = "cash" if method == "pay_at_store" else "bank"
        Journal = self.env["account.journal"]
        company = ("company_id", "=", self.company_id.id)
        return (Journal.search([company, ("type", "=", journal_type)], limit=1)
                or Journal.search([company, ("type", "in", ("bank", "cash"))], limit=1))

    def _cc_payment_journals_limited(self):
        """Whether the user books payments only into the journals of the order's store (store
        staff), not into any bank or cash journal of the company."""
        return not self.env.su and self.env.user._cc_is_clerk()

    def _cc_check_payment_journal(self, journal):
        """Refuse a journal the user may not book this order's payment into."""
        self.ensure_one()
        if journal.company_id != self.company_id or journal.type not in ("bank", "cash"):
            raise UserError(self.env._("%(journal)s is not a bank or cash journal of %(company)s.",
                                       journal=journal.name, company=self.company_id.name))
        if self._cc_payment_journals_limited() and journal not in self.cc_store_id._cc_payment_journals():
            raise UserError(self.env._(
                "%(journal)s is not a journal of %(store)s: store staff book payments into their "
                "store's till or bank journal only.", journal=journal.name, store=self.cc_store_id.name,
            ))

    def _cc_register_payment(self, amount, reference, *, date=None, method=None, journal=None):
        """Record a payment received for this order as an Odoo payment transaction.

        The transaction (and the account.payment Odoo posts for it) carries the amount, the
        reference, the date and the user who registered it.

        :param float amount: the amount received, in the order's currency
        :param str reference: the bank, receipt or carrier reference of the payment
        :param date: when the money was received (default today)
        :param str method: transfer, pay_at_store or cod (default: the order's method)
        :param journal: the bank or cash journal (account.journal) that received the money
        :return: the payment.transaction
        """
        self.ensure_one()
        method = method or self.cc_payment_method
        if self.currency_id.compare_amounts(amount, 0) <= 0:
            raise UserError(self.env._("The amount of a payment must be positive."))
        # One payment at a time per order: a second cashier paying the same order at the same
        # moment waits here, then (the first payment having updated the order) its transaction
        # is retried and sees the order paid.
        self.env.cr.execute(SQL("SELECT id FROM sale_order WHERE id = %s FOR NO KEY UPDATE", self.id))
        if self.cc_fulfilment and self.cc_payment_state == "paid":
            raise UserError(self.env._("%(order)s is paid already.", order=self.name))
        mode = const.METHOD_CUSTOM_MODE.get(method)
        if not mode:
            raise UserError(self.env._(
                "Payments by %(method)s are registered by the payment provider itself, not by hand.",
                method=dict(self._fields["cc_payment_method"]._description_selection(self.env)).get(method, method),
            ))
        self.check_access("write")
        # sudo: payment providers and transactions are managed by the system; the user's
        # right on the order was checked just above.
        provider = self.env["payment.provider"].sudo().search([
            ("code", "=", "custom"), ("custom_mode", "=", mode),
            ("company_id", "=", self.company_id.id),
        ], limit=1)
        if not provider:
            raise UserError(self.env._("No payment provider handles %(mode)s payments in %(company)s.",
                              mode=mode, company=self.company_id.name))
        journal = journal or self._cc_default_payment_journal(method)
        if not journal:
            if self._cc_payment_journals_limited():
                raise UserError(self.env._(
                    "%(store)s has no journal for this payment: a web-order manager sets its till "
                    "and its bank journal on the store.", store=self.cc_store_id.name,
                ))
            raise UserError(self.env._("%(company)s has no bank or cash journal to book the payment in.",
                              company=self.company_id.name))
        self._cc_check_payment_journal(journal)
        reference = (reference or "").strip()
        if not reference and journal.type != "cash":
            raise UserError(self.env._("A payment needs a reference (bank statement, receipt or slip number)."))
        payment_method = self._cc_provider_payment_method(provider)
        if not payment_method:
            raise UserError(self.env._("The payment provider %(provider)s has no payment method.",
                                       provider=provider.name))
        Tx = self.env["payment.transaction"].sudo()
        tx = Tx.create({
            "provider_id": provider.id,
            "payment_method_id": payment_method.id,
            "reference": Tx._compute_reference(provider.code, prefix=self.name),
            "provider_reference": reference or False,
            "amount": amount,
            "currency_id": self.currency_id.id,
            "partner_id": self.partner_id.id,
            "operation": "offline",
            "sale_order_ids": [fields.Command.set(self.ids)],
            "cc_registered_by_id": self.env.uid,
            "cc_payment_date": date or fields.Date.context_today(self),
            "cc_journal_id": journal.id,
        })
        tx._set_done()
        tx._post_process()
        self.message_post(body=self.env._(
            "Payment of %(amount)s registered by %(user)s in %(journal)s (reference %(reference)s, %(date)s).",
            amount=self._cc_format_amount(amount), user=self.env.user.name, journal=journal.name,
            reference=reference or "-", date=fields.Date.to_string(tx.cc_payment_date),
        ), subtype_xmlid="mail.mt_note")
        return tx

    # ------------------------------------------------------------------ lookup

    @api.model
    def _cc_lookup(self, code, store=None):
        """Find a web order by its number or barcode, for the scan screens, POS and API.

        One indexed query, whatever the number of orders. Returns (order, error): the order
        when the user may act on it, otherwise an empty recordset and a message.
        """
        code = (code or "").strip()
        if not code:
            return self.browse(), self.env._("Type or scan an order number.")
        domain = [("name", "in", list({code, code.upper()})), ("cc_fulfilment", "!=", False)]
        fields_to_fetch = ["cc_fulfilment", "cc_store_id"]
        order = self.search_fetch(domain, fields_to_fetch, limit=1)
        if order and (not store or order.cc_store_id == store):
            return order, None
        if not order:
            # sudo: to tell "not found" from "another store's order" without revealing more
            # than the store's name.
            order = self.sudo().search_fetch(domain, fields_to_fetch, limit=1)
            if not order:
                return self.browse(), self.env._("Order could not be found")
        return self.browse(), self.env._(
            "Order %(order)s belongs to another store (%(store)s).",
            order=order.name, store=order.cc_store_id.sudo().name,
        )

    # ---- web-shop API

    def _cc_api_describe(self):
        """The orders as the web-shop API answers them (a list of dicts, in the same order).

        Reads in batch: a fixed number of queries whatever the number of orders.
        """
        from ..tools.api_contract import STATUS_CODES, format_datetime

        lines_by_order = {}
        for line in self.order_line:
            if not line.display_type and not line.is_delivery:
                lines_by_order.setdefault(line.order_id.id, []).append(line)
        events_by_order = {}
        for event in self.cc_event_ids._cc_steps().sorted(lambda e: (e.date, e.id)):
            events_by_order.setdefault(event.order_id.id, []).append(event)
        result = []
        for order in self:
            carrier = order.carrier_id
            tracking_url = None
            if order.cc_tracking_ref and carrier.tracking_url:
                tracking_url = carrier.tracking_url.replace("<shipmenttrackingnumber>", order.cc_tracking_ref)
            result.append({
                "order_no": order.name,
                "external_ref": order.cc_external_ref or None,
                "status": order.cc_state,
                "status_code": STATUS_CODES.get(order.cc_state),
                "fulfilment": order.cc_fulfilment,
                "store": order.cc_store_id.code,
                "amount_total": order.amount_total,
                "currency": order.currency_id.name,
                "paid": order.cc_payment_state == "paid",
                "amount_paid": order.cc_amount_paid,
                "payment_method": order.cc_payment_method or None,
                "lines": [
                    {
                        "variant_id": line.product_id.id,
                        "ean": line.product_id.barcode or None,
                        "name": line.name,
                        "qty": line.product_uom_qty,
                        "price_unit": line.price_unit,
                    }
                    for line in lines_by_order.get(order.id, [])
                ],
                "carrier": carrier.name or order.cc_courier_name or None,
                "tracking_ref": order.cc_tracking_ref or None,
                "tracking_url": tracking_url,
                "timeline": [
                    {
                        "status": event.to_state,
                        "status_code": STATUS_CODES.get(event.to_state),
                        "at": format_datetime(event.date),
                        "store": event.store_id.code or None,
                    }
                    for event in events_by_order.get(order.id, [])
                ],
                "created_at": format_datetime(order.create_date),
                "updated_at": format_datetime(order.write_date),
            })
        return result

    def _cc_api_register_online_payment(self, amount, reference):
        """Record an online payment that the web shop's own payment provider confirmed.

        It is a done payment transaction of the "Web Shop Payments" provider, with the web
        shop's reference, for which Odoo posts an account.payment in the bank journal.
        """
        self.ensure_one()
        # sudo: payment providers and transactions are the system's; this is the web shop's
        # payment of the order its API user has just created
        provider = self.env.ref("click_collect.payment_provider_web_shop").sudo()
        journal = self._cc_default_payment_journal("online")
        if not journal:
            raise UserError(self.env._("%(company)s has no bank journal to book the payment in.",
                              company=self.company_id.name))
        Tx = self.env["payment.transaction"].sudo()
        tx = Tx.create({
            "provider_id": provider.id,
            "payment_method_id": provider.with_context(active_test=False).payment_method_ids[:1].id,
            "reference": Tx._compute_reference(provider.code, prefix=self.name),
            "provider_reference": reference,
            "amount": amount,
            "currency_id": self.currency_id.id,
            "partner_id": self.partner_id.id,
            "operation": "online_direct",
            "sale_order_ids": [fields.Command.set(self.ids)],
            "cc_registered_by_id": self.env.uid,
            "cc_payment_date": fields.Date.context_today(self),
            "cc_journal_id": journal.id,
        })
        tx._set_done()
        tx._post_process()
        return tx

    # ---- customer notifications
    # The customer's messages and tracking page: models/sale_order_customer.py; the pickup code
    # and the hand-over at the counter: models/sale_order_pickup.py.
