from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Domain

from .. import const

# An order is "due soon" this long before its due date.
DUE_SOON = timedelta(hours=1)
# Kanban card colours (Odoo's colour indexes): red, orange, green.
SLA_COLORS = {"late": 1, "due_soon": 2, "on_time": 10}


class SaleOrder(models.Model):
    """Service levels of web orders: when each one is due, whether it is late, and who hears of it."""

    _inherit = "sale.order"

    cc_due_date = fields.Datetime(
        string="Due By", readonly=True, copy=False, index="btree_not_null",
        help="When the store should have accepted this order (a new one) or made it ready or shipped "
             "it (an accepted one), by the store's service levels when the order entered the state.",
    )
    cc_sla_state = fields.Selection(
        [("on_time", "On Time"), ("due_soon", "Due Soon"), ("late", "Late")],
        string="Service Level", compute="_compute_cc_sla_state", search="_search_cc_sla_state",
        help="Late: past its due date (or, ready for pickup, past the day it expires). "
             "Due soon: within the hour.",
    )
    cc_sla_color = fields.Integer(compute="_compute_cc_sla_state", help="Technical: the kanban card's colour.")
    cc_state_age = fields.Char(string="Waiting", compute="_compute_cc_sla_state",
                               help="How long the order has been in its flow state.")
    cc_late_notified = fields.Boolean(
        copy=False, readonly=True,
        help="Technical: the store's manager was given an activity for the order's current lateness.",
    )

    @api.depends("cc_due_date", "cc_expiry_date", "cc_state_date")
    def _compute_cc_sla_state(self):
        now = fields.Datetime.now()
        for order in self:
            due = order.cc_due_date or order.cc_expiry_date
            if not due:
                order.cc_sla_state = False
            elif due <= now:
                order.cc_sla_state = "late"
            else:
                order.cc_sla_state = "due_soon" if due <= now + DUE_SOON else "on_time"
            order.cc_sla_color = SLA_COLORS.get(order.cc_sla_state, 0)
            order.cc_state_age = order.cc_state_date and order._cc_format_age(now - order.cc_state_date)

    def _cc_format_age(self, age):
        minutes = max(int(age.total_seconds() // 60), 0)
        days, minutes = divmod(minutes, 24 * 60)
        hours, minutes = divmod(minutes, 60)
        if days:
            return self.env._("%(days)s d %(hours)s h", days=days, hours=hours)
        if hours:
            return self.env._("%(hours)s h %(minutes)02d min", hours=hours, minutes=minutes)
        return self.env._("%(minutes)s min", minutes=minutes)

    def _search_cc_sla_state(self, operator, value):
        if operator != "in":
            return NotImplemented
        now = fields.Datetime.now()
        soon = now + DUE_SOON
        # an order has a due date (before it is ready) or an expiry date (ready), never both
        bounds = {"late": (None, now), "due_soon": (now, soon), "on_time": (soon, None)}
        domains = []
        for key in value:
            if key not in bounds:
                continue
            after, until = bounds[key]
            for fname in ("cc_due_date", "cc_expiry_date"):
                domain = Domain(fname, "!=", False)
                if after:
                    domain &= Domain(fname, ">", after)
                if until:
                    domain &= Domain(fname, "<=", until)
                domains.append(domain)
        return Domain.OR(domains)

    def _cc_due_date_groups(self, target, start):
        """The due dates orders get when the door moves them to ``target`` at ``start``:
        {due date or False: orders}; empty when they keep theirs (the level runs on). One
        schedule lookup per store, whatever the number of orders."""
        if target in const.SERVICE_LEVEL_RUNS:
            return {}
        level = const.SERVICE_LEVEL_STARTS.get(target)
        if not level:
            return {False: self}
        groups = defaultdict(self.browse)
        # sudo: the store's opening hours and service levels, for whoever moves its orders
        for store, orders in self.sudo().grouped("cc_store_id").items():
            groups[store._cc_service_due(level, start)] |= orders.sudo(False)
        return groups

    def _cc_tell_staff(self, store, texts, kind="info", sticky=False):
        """A notification in the back office of the store's staff (Odoo's, over the bus, sent at
        commit), in each one's language: ``texts(self in that language)`` gives its title and
        message."""
        # sudo: the store's staff, whoever acts (a web shop's API user, a customer)
        staff = store.sudo().cc_user_ids.filtered(lambda u: u.active and not u.share)
        for lang, users in staff.grouped("lang").items():
            title, message = texts(self.with_context(lang=lang))
            users._bus_send("simple_notification", {"type": kind, "sticky": sticky, "title": title, "message": message})

    def _cc_tell_staff_of_new_orders(self, orders):
        """A notification in the back office of each store's staff for its new web orders."""
        for store, store_orders in orders.sudo().grouped("cc_store_id").items():
            self._cc_tell_staff(store, lambda this, store=store, store_orders=store_orders: (
                this.env._("New web order for %(store)s", store=store.name),
                ", ".join(f"{order.name} ({order.partner_id.name})" if order.partner_id else order.name
                          for order in store_orders),
            ))

    def _cc_tell_staff_of_arrivals(self, events):
        """A notification in the back office of each store's staff for each customer of theirs
        who said they are on their way or here (it stays until read when they are here)."""
        for event in events.sudo():
            order = event.order_id

            def texts(this, event=event, order=order):
                this = order.with_env(this.env)
                label = dict(event._fields["arrival"]._description_selection(this.env))[event.arrival]
                if order.cc_shelf:
                    message = this.env._("%(customer)s (shelf %(shelf)s): %(arrival)s", customer=order.partner_id.name,
                                         shelf=order.cc_shelf, arrival=this._cc_arrival_text())
                else:
                    message = this.env._("%(customer)s: %(arrival)s", customer=order.partner_id.name,
                                         arrival=this._cc_arrival_text())
                return this.env._("%(arrival)s: %(order)s", arrival=label, order=order.name), message

            here = event.arrival == "arrived"
            self._cc_tell_staff(event.store_id, texts, kind="warning" if here else "info", sticky=here)

    @api.model
    def _cc_cron_late(self):
        """Scheduled job: give the manager of each store one activity per late order (not one per
        run: an order is told once per lateness, again only once it is late in a later state)."""
        late = self.search([
            ("cc_due_date", "<=", fields.Datetime.now()), ("cc_late_notified", "=", False),
        ], order="cc_due_date")
        states = dict(self._fields["cc_state"]._description_selection(self.env))
        for (store, state), orders in late.grouped(lambda o: (o.cc_store_id, o.cc_state)).items():
            responsible = store._cc_late_responsible()
            if responsible:
                orders.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=responsible.id,
                    summary=self.env._("Late web order: %(state)s", state=states.get(state, state)),
                    note=self.env._("The order is past the service level of %(store)s.", store=store.name),
                )
        # sudo: a flow field, written by the job (see _cc_check_flow_values)
        late.sudo().cc_late_notified = True
        return late

    @api.model
    def _cc_cron_late_summary(self):
        """Daily: tell the web-order managers of each company which stores have late web orders
        (in their inbox or by email, as each of them chose); nothing when none is late.

        :return: the messages sent
        """
        groups = self._read_group([("cc_sla_state", "=", "late")], ["company_id", "cc_store_id"], ["__count"])
        by_company = defaultdict(list)
        for company, store, count in groups:
            by_company[company].append((store, count))
        messages = self.env["mail.message"]
        for company, rows in by_company.items():
            for lang, users in company._cc_web_order_managers().grouped("lang").items():
                this = self.with_context(lang=lang)
                items = Markup("").join(
                    Markup("<li>%s</li>") % this.env._(
                        "%(store)s: %(count)s late", store=store.name, count=count)
                    for store, count in sorted(rows, key=lambda row: (-row[1], row[0].name))
                )
                messages |= self.env["mail.thread"].message_notify(
                    partner_ids=users.partner_id.ids,
                    subject=this.env._("%(company)s: late web orders in %(count)s store(s)",
                                       company=company.name, count=len(rows)),
                    body=Markup("<p>%s</p><ul>%s</ul><p><a href='/odoo/click-collect-orders'>%s</a></p>") % (
                        this.env._("Web orders past their store's service level:"), items,
                        this.env._("Open the web orders"),
                    ),
                )
        return messages
