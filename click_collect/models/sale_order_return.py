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
        compute="_compute_cc_return_state", store=True, index="btree_not_null", copy=False,
        help="Partly returned: some goods came back. Returned: every good collected or delivered came back.",
    )

    @api.depends("cc_return_ids.state", "cc_return_ids.line_ids.quantity")
    def _compute_cc_return_state(self):
        """From the returns received (their goods are back in stock when they become received,
        so Odoo's delivered quantity already follows them)."""
        received = self.env["click_collect.return.line"]._read_group(
            [("return_id.order_id", "in", self.ids), ("return_id.state", "in", RECEIVED_STATES)],
            ["sale_line_id"], ["quantity:sum"],
        ) if self.ids else []
        returned = {line: qty for line, qty in received}
        for order in self:
            lines = order._cc_returnable_goods()
            if not any(line in returned for line in lines):
                order.cc_return_state = False
            elif all(line.product_uom_id.compare(line.qty_delivered, 0) <= 0 for line in lines):
                order.cc_return_state = "returned"
            else:
                order.cc_return_state = "partial"

    @api.model
    def _cc_returnable_states(self):
        """The flow states whose goods the customer has and may bring back."""
        return set(const.RETURNABLE_STATES)

    def _cc_returnable_goods(self):
        """The order's lines of goods (not a delivery fee, a note or a service)."""
        return self.order_line.filtered(
            lambda line: not line.display_type and not line.is_delivery and line.product_id.type == "consu"
        )

    def _cc_return_policy(self):
        """(days, refund mode): the web shop's return policy, or the company's for an order
        without a web shop."""
        self.ensure_one()
        policy = self.cc_web_shop_id or self.company_id
        return policy.cc_return_days, policy.cc_return_refund_mode

    def _cc_handed_over_date(self):
        """When the customer got the goods: the order's first step to collected or delivered."""
        self.ensure_one()
        # sudo: the timeline of an order the return store may not read, for its date only
        event = self.env["click_collect.event"].sudo().search_fetch(
            [("order_id", "=", self.id), ("to_state", "in", ("collected", "delivered")),
             ("return_id", "=", False), ("refused", "=", False)],
            ["date"], order="date, id", limit=1,
        )
        return event.date

    def _cc_return_quantities(self):
        """{order line: (delivered, announced, returnable)}: what the customer has (Odoo's
        delivered quantity, which returns received lower), what returns announced but not
        received yet hold, and what may still come back."""
        self.ensure_one()
        lines = self._cc_returnable_goods()
        announced = dict(self.env["click_collect.return.line"].sudo()._read_group(
            [("sale_line_id", "in", lines.ids), ("return_id.state", "=", "requested")],
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
        wizard = self.env["click_collect.return.receive"].create({
            "code": self.name,
            "store_id": (self.env.user.cc_store_ids & self.cc_store_id).id or self.env.user.cc_store_ids[:1].id,
        })
        return wizard.action_find()

    def _cc_receive_return(self, store, lines, *, reason=None, note=None, late_reason=None,
                           channel="backoffice", event_values=None):
        """The customer brings goods of this order back to ``store``: check, book the goods
        back into stock, credit the order, ask for the refund.

        :param store: the return store (stock.warehouse), one of the user's stores
        :param list lines: [{"sale_line_id": id, "quantity": float, "condition": "sellable"|"damaged"}]
        :param reason: a click_collect.return.reason; ``note`` the customer's words
        :param late_reason: why a store manager accepts a return after the policy's window
        :raise UserError: naming the order, the line and why, for every refusal
        :return: the click_collect.return, received
        """
        self.ensure_one()
        late_reason = (late_reason or "").strip()
        self._cc_check_return_store(store)
        # sudo: the order may belong to another store than the return store (checked above as
        # the user's); what follows checks the order itself
        order = self.sudo()
        order._cc_check_returnable(store)
        # One return of an order at a time: the second of two cashiers returning the same line
        # at once waits here, then fails as a concurrent update and is tried again by Odoo
        # with what the first one returned in view.
        self.env.cr.execute(SQL("UPDATE sale_order SET write_date = write_date WHERE id = %s", order.id))
        late = order._cc_return_late()
        if late:
            self._cc_check_late_return(late, late_reason)
        values = order._cc_check_return_lines(lines)
        _days, refund_mode = order._cc_return_policy()
        amount = sum(qty * line._cc_unit_price_paid() for line, qty, _condition in values)
        order._cc_check_return_amount(amount)
        now = fields.Datetime.now()
        # sudo: the return is the flow's record; the checks above are the user's authority
        ret = self.env["click_collect.return"].sudo().create({
            "order_id": order.id,
            "partner_id": order.partner_id.id,
            "company_id": order.company_id.id,
            "currency_id": order.currency_id.id,
            "store_id": store.id,
            "order_store_id": order.cc_store_id.id,
            "state": "requested",
            "channel": channel,
            "user_id": self.env.uid,
            "date": now,
            "received_date": now,
            "reason_id": reason.id if reason else False,
            "reason_note": (note or "").strip() or False,
            "late_reason": late_reason or False,
            "refund_mode": refund_mode,
            "line_ids": [Command.create({
                "sale_line_id": line.id,
                "product_id": line.product_id.id,
                "uom_id": line.product_uom_id.id,
                "quantity": qty,
                "condition": condition,
                "price_unit": line._cc_unit_price_paid(),
            }) for line, qty, condition in values],
        })
        ret.picking_ids = order._cc_return_goods(ret)
        ret.credit_note_id = order._cc_return_credit_note(ret)
        ret.state = "received"
        order._cc_log_return_event(ret, order._cc_return_summary(ret), channel=channel, store=store,
                                   event_values=event_values)
        ret._cc_ask_refund()
        return ret.sudo(False)

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

    def _cc_return_late(self):
        """(handed over on, days of the window) when the return policy's window is over, else None."""
        days, _mode = self._cc_return_policy()
        handed = self._cc_handed_over_date()
        if handed and days and (fields.Datetime.now() - handed).days > days:
            return handed, days
        return None

    def _cc_check_late_return(self, late, late_reason):
        """After the window, only a store manager accepts a return, saying why (as the user)."""
        handed, days = late
        date = fields.Date.to_string(handed.date())
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

    def _cc_check_return_lines(self, lines):
        """[(order line, quantity, condition)] of ``lines``, or a UserError naming every bad one."""
        quantities = self._cc_return_quantities()
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
                    order=self.name, product=line.product_id.display_name, qty=f"{qty:g}",
                    returnable=f"{max(returnable, 0):g}", delivered=f"{delivered:g}",
                    announced=announced and self.env._(", %(qty)s announced by another return", qty=f"{announced:g}"),
                ))
        if not values and not errors:
            errors.append(self.env._("%(order)s: nothing comes back; set the quantities returned.", order=self.name))
        if errors:
            raise UserError("\n".join(errors))
        return values

    def _cc_check_return_amount(self, amount):
        """A return never refunds more than the customer paid, less what returns refunded before."""
        before = sum(self.cc_return_ids.filtered(lambda r: r.state != "cancelled").mapped("amount_total"))
        left = self.cc_amount_paid - before
        if self.currency_id.compare_amounts(amount, left) > 0:
            raise UserError(self.env._(
                "%(order)s: the goods returned are worth %(amount)s, but only %(left)s of what the "
                "customer paid is left to refund.",
                order=self.name, amount=self._cc_format_amount(amount),
                left=self._cc_format_amount(max(left, 0.0)),
            ))

    def _cc_return_summary(self, ret):
        conditions = dict(ret.line_ids._fields["condition"]._description_selection(self.env))
        goods = ", ".join(
            f"{line.quantity:g} x {line.product_id.display_name} ({conditions[line.condition]})"
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

    def _cc_log_return_event(self, ret, note, *, channel="backoffice", store=None, event_values=None):
        """A step of a return on the order's timeline (the order's state does not change) and
        in the return's chatter."""
        # sudo: the timeline is append-only; the caller acts on the return it was allowed to
        self.env["click_collect.event"].sudo().create({
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
        ret.sudo()._message_log(body=note)

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
                    pickings |= self._cc_transfer(
                        turnover, store, {move.product_id: move.quantity for move in returned.move_ids},
                        self.env._("Return %(ret)s of %(order)s: sold by %(turnover)s, back at %(store)s",
                                   ret=ret.name, order=self.name, turnover=turnover.name, store=store.name),
                        location_dest=destination,
                    )
        return pickings

    def _cc_returned_moves(self, lines):
        """{delivery: {move to the customer: quantity coming back}} for return lines, the latest
        deliveries first, less what their returns took back before."""
        per_delivery = defaultdict(dict)
        for line in lines:
            todo = line.quantity
            moves = line.sale_line_id.move_ids.filtered(
                lambda m: m.state == "done" and m.picking_id and m.location_dest_id.usage == "customer"
            ).sorted(lambda m: (m.date, m.id), reverse=True)
            for move in moves:
                left = move.quantity - sum(
                    move.returned_move_ids.filtered(lambda r: r.state != "cancel").mapped("product_uom_qty"))
                take = min(left, todo)
                if move.product_uom.compare(take, 0) > 0:
                    per_delivery[move.picking_id][move] = per_delivery[move.picking_id].get(move, 0.0) + take
                    todo -= take
            if line.uom_id.compare(todo, 0) > 0:
                raise UserError(self.env._(
                    "%(order)s, %(product)s: no delivery to the customer holds the %(qty)s coming back.",
                    order=self.name, product=line.product_id.display_name, qty=f"{todo:g}",
                ))
        return per_delivery

    def _cc_return_credit_note(self, ret):
        """The credit note of the returned goods, reversing the order's posted invoice, booked
        like the invoice's lines (the revenue store's analytic account). An order not invoiced
        gets none: its delivered quantities follow the return, and so does what is invoiced.

        Called as superuser by ``_cc_receive_return``. :return: the posted account.move or False
        """
        self.ensure_one()
        invoices = ret.line_ids.sale_line_id.invoice_lines.move_id.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice")
        if not invoices:
            return False
        values = self._prepare_invoice()
        values.update({
            "move_type": "out_refund",
            "reversed_entry_id": invoices[:1].id,
            "ref": self.env._("Return %(ret)s of %(order)s", ret=ret.name, order=self.name),
            "transaction_ids": [Command.clear()],
            "invoice_line_ids": [
                Command.create(line.sale_line_id._prepare_invoice_line(quantity=line.quantity))
                for line in ret.line_ids
            ],
        })
        credit_note = self.env["account.move"].with_company(self.company_id).create(values)
        credit_note.action_post()
        return credit_note
