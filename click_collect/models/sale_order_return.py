from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL

from .. import const
from .click_collect_return import RECEIVED_STATES


class SaleOrder(models.Model):
    """Web orders: goods coming back after collection or delivery (click_collect.return)."""

    _inherit = "sale.order"

    cc_return_ids = fields.One2many(
        "click_collect.return", "order_id", string="Returns", readonly=True,
        groups="click_collect.group_store_user",
    )
    cc_return_state = fields.Selection(
        [("partial", "Partly returned"), ("returned", "Returned")], string="Return Status",
        readonly=True, index="btree_not_null", copy=False,
        help="Partly returned: some goods came back. Returned: every good collected or delivered came back.",
    )

    def _cc_update_return_state(self):
        """Set the orders' return status from the returns received (their goods are back in
        stock, so Odoo's delivered quantity already follows them)."""
        # sudo: the returns of every store
        received = self.env["click_collect.return"].sudo()._read_group(
            [("order_id", "in", self.ids), ("state", "in", RECEIVED_STATES)], ["order_id"], ["__count"],
        )
        with_returns = {order for order, _count in received}
        for order in self:
            lines = order._cc_returnable_goods()
            if order not in with_returns:
                state = False
            elif all(line.product_uom_id.compare(line.qty_delivered, 0) <= 0 for line in lines):
                state = "returned"
            else:
                state = "partial"
            if order.cc_return_state != state:
                # sudo: a flow field, written by the flow only (see _cc_check_flow_values)
                order.sudo().cc_return_state = state

    @api.model
    def _cc_returnable_states(self):
        """The flow states whose goods the customer has and may bring back."""
        return set(const.RETURNABLE_STATES)

    def _cc_returnable_goods(self):
        """The order's lines of goods (not a delivery fee, a note or a service)."""
        return self.order_line.filtered(
            lambda line: not line.display_type and not line.is_delivery and line.product_id.type == "consu"
        )

    def _cc_return_policy_holder(self):
        """Whose return policy the order follows: its web shop's, or its company's for an order
        without a web shop (a click_collect.return.policy)."""
        self.ensure_one()
        return self.cc_web_shop_id or self.company_id

    def _cc_return_policy(self):
        """(days, refund mode): the order's return policy (``_cc_return_policy_holder``)."""
        policy = self._cc_return_policy_holder()
        return policy.cc_return_days, policy.cc_return_refund_mode

    def _cc_return_refund_mode(self, refund_mode=None):
        """How the customer of a return received now is paid back: ``refund_mode`` where the
        goods come back (the till, in click_collect_pos), else the return policy's."""
        self.ensure_one()
        return refund_mode or self._cc_return_policy()[1]

    def _cc_handed_over_date(self):
        """When the customer got the goods: the order's first step to collected or delivered,
        or else its first delivery done (Odoo's effective date)."""
        self.ensure_one()
        # sudo: the timeline of an order the return store may not read, for its date only
        event = self.env["click_collect.event"].sudo().search_fetch(
            [("order_id", "=", self.id), ("to_state", "in", ("collected", "delivered")),
             ("return_id", "=", False), ("refused", "=", False)],
            ["date"], order="date, id", limit=1,
        )
        return event.date or self.effective_date

    def _cc_return_quantities(self, requested=None):
        """{order line: (delivered, announced, returnable)}: what the customer has (Odoo's
        delivered quantity, which returns received lower), what returns announced but not
        received yet hold (but ``requested``, the one being received), and what may still come
        back."""
        self.ensure_one()
        lines = self._cc_returnable_goods()
        # sudo: the quantities of every return of the order, whichever store they go to
        announced = dict(self.env["click_collect.return.line"].sudo()._read_group(
            [("sale_line_id", "in", lines.ids), ("return_id.state", "=", "requested"),
             ("return_id", "not in", requested.ids if requested else [])],
            ["sale_line_id"], ["quantity:sum"],
        ))
        return {
            line: (line.qty_delivered, announced.get(line, 0.0), line.qty_delivered - announced.get(line, 0.0))
            for line in lines
        }

    # ------------------------------------------------------------------ receiving a return

    def action_cc_receive_return(self):
        """The return screen, with this order found."""
        self.ensure_one()
        stores = self.env.user.cc_store_ids
        wizard = self.env["click_collect.return.receive"].create({
            "code": self.name,
            "store_id": (stores & self.cc_store_id).id or stores[:1].id or self.cc_store_id.id,
        })
        wizard.action_find()
        return wizard._cc_open()

    def _cc_receive_return(self, store, lines, *, reason=None, note=None, late_reason=None,
                           channel="backoffice", event_values=None, requested=None, refund_mode=None):
        """The customer brings goods of this order back to ``store``: check, book the goods
        back into stock, credit the order, ask for the refund.

        :param store: the return store (stock.warehouse), one of the user's stores
        :param list lines: [{"sale_line_id": id, "quantity": float, "condition": "sellable"|"damaged"}]
        :param reason: a click_collect.return.reason; ``note`` the customer's words
        :param late_reason: why a store manager accepts a return after the policy's window
        :param requested: the return the customer announced (``_cc_request_return``), which
            these goods are: it is received with what came (its window counts to its request)
        :param refund_mode: how the customer is paid back here (``_cc_return_refund_mode``)
        :raise UserError: naming the order, the line and why, for every refusal
        :return: the click_collect.return, received
        """
        self.ensure_one()
        late_reason = (late_reason or "").strip()
        self._cc_check_return_store(store)
        # sudo: the order may belong to another store than the return store (checked above as
        # the user's); what follows checks the order itself
        order = self.sudo()
        # sudo: the announced return is the flow's record, checked to be this order's just below
        requested = requested.sudo() if requested else self.env["click_collect.return"]
        if requested and (requested.order_id != order or requested.state != "requested"):
            raise UserError(self.env._("%(ret)s is not a return announced for %(order)s and waiting for its goods.",
                                       ret=requested.name, order=order.name))
        order._cc_check_returnable(store)
        order._cc_lock_for_return()
        late = order._cc_return_late(at=requested.date if requested else None)
        if late:
            self._cc_check_late_return(late, late_reason)
        values = order._cc_check_return_lines(lines, requested=requested)
        ret_values = order._cc_return_values(values, store, reason=reason, note=note, channel=channel,
                                             requested=requested, refund_mode=refund_mode)
        now = fields.Datetime.now()
        ret_values.update({"state": "requested", "user_id": self.env.uid, "received_date": now,
                           "late_reason": late_reason or False})
        if requested:
            ret = requested
            ret.write({**ret_values, "line_ids": [Command.clear(), *ret_values["line_ids"]]})
        else:
            # sudo: the return is the flow's record; the checks above are the user's authority
            ret = self.env["click_collect.return"].sudo().create({**ret_values, "date": now})
        ret.picking_ids = order._cc_return_goods(ret)
        ret.credit_note_id = order._cc_return_credit_note(ret)
        ret.state = "received"
        order._cc_update_return_state()
        event = order._cc_log_return_event(ret, order._cc_return_summary(ret), channel=channel, store=store,
                                           event_values=event_values)
        ret._cc_ask_refund()
        order._cc_notify_return(event, "return_received")
        return ret.sudo(False)

    def _cc_request_return(self, store, lines, *, reason=None, note=None, channel="api", external_ref=None,
                           courier=None, tracking_ref=None, return_label=False):
        """The customer announced online that goods of this order come back (to ``store``, by
        hand or by courier): a return waiting for its goods, which holds the quantities
        announced. Called as superuser by the web-shop API, for its own order.

        :param list lines: [{"sale_line_id": id, "quantity": float}]
        :param str courier: the courier or postal service of a parcel sent back
        :param str tracking_ref: its tracking number (the store scans it to find the return)
        :param bool return_label: book the return label of the courier that delivered the order
            (``click_collect.return._cc_book_return_label``)
        :raise UserError: naming the order, the line and why, for every refusal
        :return: the click_collect.return, requested
        """
        self.ensure_one()
        self._cc_check_returnable(store)
        self._cc_lock_for_return()
        late = self._cc_return_late()
        if late:
            handed, days = late
            raise UserError(self.env._(
                "%(order)s was handed over on %(date)s: returns are accepted within %(days)s days.",
                order=self.name, date=fields.Date.to_string(handed.date()), days=days,
            ))
        values = self._cc_check_return_lines([{**line, "condition": "sellable"} for line in lines])
        tracking_ref = (tracking_ref or "").strip()
        # sudo: the parcels waiting at any store of the company (the return screen scans them)
        if tracking_ref and self.env["click_collect.return"].sudo().search_count([
            ("tracking_ref", "=", tracking_ref), ("state", "=", "requested"), ("company_id", "=", self.company_id.id),
        ], limit=1):
            raise UserError(self.env._(
                "%(order)s: tracking number %(tracking)s is already the parcel of another return waiting for its "
                "goods; check the number.", order=self.name, tracking=tracking_ref))
        # sudo: the return is the flow's record; the caller checked the order is its own
        ret = self.env["click_collect.return"].sudo().create({
            **self._cc_return_values(values, store, reason=reason, note=note, channel=channel),
            "state": "requested",
            "external_ref": external_ref or False,
            "courier_name": (courier or "").strip() or False,
            "tracking_ref": tracking_ref or False,
        })
        goods = ", ".join(f"{self._cc_format_qty(line.quantity)} x {line.product_id.display_name}"
                          for line in ret.line_ids)
        note = self.env._("Return %(ret)s announced, to %(store)s: %(goods)s.",
                          ret=ret.name, store=store.name, goods=goods)
        if ret.tracking_ref:
            note += " " + self.env._("Sent by %(courier)s, tracking number %(tracking)s.",
                                     courier=ret.courier_name or self.env._("parcel"), tracking=ret.tracking_ref)
        self._cc_log_return_event(ret, note, channel=channel)
        if return_label:
            ret._cc_book_return_label(channel=channel)
        return ret

    def _cc_lock_for_return(self):
        """One return of an order at a time: the second of two cashiers returning the same line
        at once waits here, then fails as a concurrent update and is tried again by Odoo with
        what the first one returned in view."""
        self.env.cr.execute(SQL("UPDATE sale_order SET write_date = write_date WHERE id = %s", self.id))

    def _cc_return_values(self, values, store, *, reason=None, note=None, channel="backoffice", requested=None,
                          refund_mode=None):
        """The values of a return of ``values`` ([(order line, quantity, condition)]), checked."""
        amounts = self._cc_return_amounts([(line, qty) for line, qty, _condition in values], requested=requested)
        self._cc_check_return_amount(sum(amounts), requested=requested)
        return {
            "order_id": self.id,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "store_id": store.id,
            "order_store_id": self.cc_store_id.id,
            "channel": channel,
            "reason_id": reason.id if reason else (requested.reason_id.id if requested else False),
            "reason_note": (note or "").strip() or (requested.reason_note if requested else False) or False,
            "refund_mode": self._cc_return_refund_mode(refund_mode),
            "line_ids": [Command.create({
                "sale_line_id": line.id,
                "product_id": line.product_id.id,
                "uom_id": line.product_uom_id.id,
                "quantity": qty,
                "condition": condition,
                "price_unit": amount / qty,
            }) for (line, qty, condition), amount in zip(values, amounts, strict=True)],
        }

    def _cc_check_return_store(self, store):
        """The return store is one of the user's (any store for a web-order manager)."""
        if not store or not store.cc_is_store:
            raise UserError(self.env._("Choose the store where the goods come back."))
        user = self.env.user
        if not self.env.su and store not in user.cc_store_ids and not user.has_group(const.MANAGER):
            raise UserError(self.env._("You do not work for %(store)s: receive the return at your own store.",
                                       store=store.name))

    def _cc_check_returnable(self, store):
        """The order is a web order of the store's company whose goods the customer has."""
        if not self.cc_fulfilment:
            raise UserError(self.env._("%(order)s is not a web order.", order=self.name))
        if store.company_id != self.company_id:
            raise UserError(self.env._("%(order)s belongs to %(company)s: it cannot come back at %(store)s.",
                                       order=self.name, company=self.company_id.name, store=store.name))
        if self.cc_state not in self._cc_returnable_states():
            state = dict(self._fields["cc_state"]._description_selection(self.env)).get(self.cc_state, "")
            raise UserError(self.env._(
                "%(order)s is %(state)s: only collected or delivered orders can be returned.",
                order=self.name, state=state,
            ))

    def _cc_return_late(self, at=None, handed=None):
        """(handed over on, days of the window) when the return policy's window is over (now, or
        ``at``: when the return was announced), else None. ``handed``: the hand-over's date, when
        the caller read it already."""
        days, _mode = self._cc_return_policy()
        handed = handed or self._cc_handed_over_date()
        if handed and days and ((at or fields.Datetime.now()) - handed).days > days:
            return handed, days
        return None

    def _cc_check_late_return(self, late, late_reason):
        """After the window, only a store manager accepts a return, saying why (as the user)."""
        handed, days = late
        date = fields.Date.to_string(handed.date())
        # sudo (below): the order's number, for the message; the user may not read the order
        if not self.env.su and not self.env.user.has_group(const.STORE_MANAGER):
            raise UserError(self.env._(
                "%(order)s was handed over on %(date)s: returns are accepted within %(days)s days. "
                "Only a store manager may accept it now.",
                order=self.sudo().name, date=date, days=days,
            ))
        if not late_reason:
            raise UserError(self.env._(
                "%(order)s was handed over on %(date)s, more than %(days)s days ago: say why you "
                "accept the return.", order=self.sudo().name, date=date, days=days,
            ))

    def _cc_check_return_lines(self, lines, requested=None):
        """[(order line, quantity, condition)] of ``lines``, or a UserError naming every bad one
        (``requested``: the announced return being received, whose quantities are these)."""
        quantities = self._cc_return_quantities(requested=requested)
        by_id = {line.id: line for line in quantities}
        conditions = dict(self.env["click_collect.return.line"]._fields["condition"]._description_selection(self.env))
        errors, values, asked = [], [], defaultdict(float)
        for vals in lines or ():
            line = by_id.get(vals.get("sale_line_id"))
            qty = vals.get("quantity") or 0.0
            if not line:
                errors.append(self.env._("%(order)s: line %(line)s is not goods of this order.",
                                         order=self.name, line=vals.get("sale_line_id")))
                continue
            if vals.get("condition", "sellable") not in conditions:
                errors.append(self.env._("%(order)s, %(product)s: unknown condition %(condition)s.",
                                         order=self.name, product=line.product_id.display_name,
                                         condition=vals.get("condition")))
                continue
            if not isinstance(qty, (int, float)) or line.product_uom_id.compare(qty, 0) < 0:
                errors.append(self.env._("%(order)s, %(product)s: a quantity cannot be negative.",
                                         order=self.name, product=line.product_id.display_name))
                continue
            if line.product_uom_id.is_zero(qty):
                continue
            asked[line] += qty
            values.append((line, qty, vals.get("condition", "sellable")))
        for line, qty in asked.items():
            delivered, announced, returnable = quantities[line]
            if line.product_uom_id.compare(qty, returnable) > 0:
                errors.append(self.env._(
                    "%(order)s, %(product)s: %(qty)s coming back, but only %(returnable)s may "
                    "(%(delivered)s with the customer%(announced)s).",
                    order=self.name, product=line.product_id.display_name, qty=self._cc_format_qty(qty),
                    returnable=self._cc_format_qty(max(returnable, 0)), delivered=self._cc_format_qty(delivered),
                    announced=announced and self.env._(", %(qty)s announced by another return",
                                                       qty=self._cc_format_qty(announced)),
                ))
        if not values and not errors:
            errors.append(self.env._("%(order)s: nothing comes back; set the quantities returned.", order=self.name))
        if errors:
            raise UserError("\n".join(errors))
        return values

    def _cc_return_summary(self, ret):
        conditions = dict(ret.line_ids._fields["condition"]._description_selection(self.env))
        goods = ", ".join(
            f"{self._cc_format_qty(line.quantity)} x {line.product_id.display_name} ({conditions[line.condition]})"
            for line in ret.line_ids
        )
        summary = self.env._("Return %(ret)s received at %(store)s: %(goods)s.",
                             ret=ret.name, store=ret.store_id.name, goods=goods)
        if ret.reason_id or ret.reason_note:
            summary += " " + self.env._("Reason: %(reason)s", reason=" - ".join(
                filter(None, [ret.reason_id.name, ret.reason_note])))
        if ret.late_reason:
            summary += " " + self.env._("Accepted after the return window: %(why)s", why=ret.late_reason)
        return summary

    def _cc_notified_return(self):
        """The return a customer message is about (the notification's, see
        click_collect.notification), or the order's last one."""
        self.ensure_one()
        # sudo: the customer's message names the return's store, goods and refund
        returns = self.sudo().cc_return_ids
        return returns.filtered(lambda r: r.id == self.env.context.get("cc_notified_return_id"))[:1] or returns[:1]

    def _cc_format_qty(self, quantity):
        """A quantity as a person writes it: 1, 2.5 (not 1.00)."""
        return f"{quantity:g}"

    def _cc_notify_return(self, event, step):
        """Tell the customer (email, SMS) and, in click_collect_api, the web shop about a step
        of a return (``step``: return_received, refunded, return_cancelled), recorded as the
        timeline ``event``. The customer hears of the goods received and of the refund."""
        if step in dict(const.NOTIFICATION_STEPS):
            self.env["click_collect.notification"]._cc_queue(self, step, events=event)

    def _cc_log_return_event(self, ret, note, *, channel="backoffice", store=None, event_values=None):
        """A step of a return on the order's timeline (the order's state does not change) and
        in the return's chatter. :return: the click_collect.event"""
        # sudo: the timeline is append-only; the caller acts on the return it was allowed to
        event = self.env["click_collect.event"].sudo().create({
            "order_id": self.id,
            "from_state": self.cc_state,
            "to_state": self.cc_state,
            "user_id": self.env.uid,
            "store_id": (store or ret.store_id).id,
            "channel": channel,
            "note": note,
            "return_id": ret.id,
            **(event_values or {}),
        })
        # sudo: the return's chatter is the flow's log (nobody posts on returns)
        ret.sudo()._message_log(body=note)
        return event

    # ------------------------------------------------------------------ goods and money

    def _cc_return_goods(self, ret):
        """Bring the returned goods back through Odoo's returns of the order's deliveries, into
        the return store's stock (or its damaged goods location). A delivery the store did not
        make comes back to the return store; one made by a web shop's turnover store T comes
        back to T, which sold it, and a transfer T -> return store follows.

        Called as superuser by ``_cc_receive_return``. :return: the validated stock.picking
        """
        self.ensure_one()
        store, turnover = ret.store_id, self.cc_web_shop_id.turnover_store_id
        pickings = self.env["stock.picking"]
        for condition in ("sellable", "damaged"):
            lines = ret.line_ids.filtered(lambda line, c=condition: line.condition == c)
            destination = (condition == "damaged" and store.cc_damaged_location_id) or store.lot_stock_id
            for delivery, quantities in self._cc_returned_moves(lines).items():
                wizard = self.env["stock.return.picking"].with_context(
                    active_id=delivery.id, active_model="stock.picking",
                ).create({"picking_id": delivery.id})
                for wizard_line in wizard.product_return_moves:
                    wizard_line.quantity = quantities.get(wizard_line.move_id, 0.0)
                    wizard_line.to_refund = True
                returned = wizard._create_return()
                sold_by = delivery.picking_type_id.warehouse_id
                through_turnover = turnover and sold_by == turnover and turnover != store
                if not through_turnover:
                    if sold_by != store:
                        returned.write({"picking_type_id": store.in_type_id.id})
                    # the type sets its own locations: the goods come from the customer
                    returned.write({"location_id": delivery.location_dest_id.id, "location_dest_id": destination.id})
                returned.move_ids.picked = True
                returned.with_context(skip_sms=True, skip_backorder=True).button_validate()
                if returned.state != "done":
                    raise UserError(self.env._("The goods of %(order)s could not be taken back into stock.",
                                               order=self.name))
                pickings |= returned
                if through_turnover:
                    brought = defaultdict(float)
                    for move in returned.move_ids:
                        brought[move.product_id] += move.product_uom._compute_quantity(
                            move.quantity, move.product_id.uom_id)
                    pickings |= self._cc_transfer(
                        turnover, store, brought,
                        self.env._("Return %(ret)s of %(order)s: sold by %(turnover)s, back at %(store)s",
                                   ret=ret.name, order=self.name, turnover=turnover.name, store=store.name),
                        location_dest=destination, location=returned.location_dest_id,
                    )
        return pickings

    def _cc_returned_moves(self, lines):
        """{delivery: {move to the customer: quantity coming back}} for return lines, the latest
        deliveries first, less what their returns took back before."""
        per_delivery = defaultdict(dict)
        for line in lines:
            todo = line.quantity  # in the order line's unit
            moves = line.sale_line_id.move_ids.filtered(
                lambda m: m.state == "done" and m.picking_id and m.location_dest_id.usage == "customer"
            ).sorted(lambda m: (m.date, m.id), reverse=True)
            for move in moves:
                # in the move's unit
                left = move.quantity - sum(
                    r.product_uom._compute_quantity(r.product_uom_qty, move.product_uom)
                    for r in move.returned_move_ids if r.state != "cancel")
                take = min(left, line.uom_id._compute_quantity(todo, move.product_uom))
                if move.product_uom.compare(take, 0) > 0:
                    per_delivery[move.picking_id][move] = per_delivery[move.picking_id].get(move, 0.0) + take
                    todo -= move.product_uom._compute_quantity(take, line.uom_id)
            if line.uom_id.compare(todo, 0) > 0:
                raise UserError(self.env._(
                    "%(order)s, %(product)s: no delivery to the customer holds the %(qty)s coming back.",
                    order=self.name, product=line.product_id.display_name, qty=self._cc_format_qty(todo),
                ))
        return per_delivery

    def _cc_return_credit_note(self, ret):
        """The credit note of the returned goods, reversing the order's posted invoice, booked
        like the invoice's lines (the revenue store's analytic account). An order not invoiced
        gets none: its delivered quantities follow the return, and so does what is invoiced.

        Called as superuser by ``_cc_receive_return``. :return: the posted account.move or False
        """
        self.ensure_one()
        # per order line, what came back of what was invoiced (net of earlier credit notes)
        credited = defaultdict(float)
        for line in ret.line_ids:
            credited[line.sale_line_id] += line.quantity
        credited = {
            sol: min(qty, sol.qty_invoiced) for sol, qty in credited.items()
            if sol.product_uom_id.compare(min(qty, sol.qty_invoiced), 0) > 0
        }
        if not credited:
            return False
        invoices = self.env["sale.order.line"].concat(*credited).invoice_lines.move_id.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice").sorted("id")
        # the order's discounts, in the share of the goods credited
        goods = self._cc_goods_price()
        share = self._cc_goods_value(credited.items()) / goods if not self.currency_id.is_zero(goods) else 0.0
        discounts = {line: min(line.product_uom_qty * share, line.qty_invoiced) for line in self._cc_discount_lines()}
        discounts = {line: qty for line, qty in discounts.items() if line.product_uom_id.compare(qty, 0) > 0}
        values = self._prepare_invoice()
        values.update({
            "move_type": "out_refund",
            "reversed_entry_id": invoices[-1:].id,
            "ref": self.env._("Return %(ret)s of %(order)s", ret=ret.name, order=self.name),
            "transaction_ids": [Command.clear()],
            "invoice_line_ids": [
                Command.create(sol._prepare_invoice_line(quantity=qty))
                for sol, qty in (credited | discounts).items()
            ],
        })
        credit_note = self.env["account.move"].with_company(self.company_id).create(values)
        credit_note.action_post()
        return credit_note
