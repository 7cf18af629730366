from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .. import const


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    cc_is_store = fields.Boolean(
        string="Is a Store", index=True,
        help="Stores hand over Click & Collect orders and ship web orders. "
             "The store's address is the warehouse's address.",
    )
    cc_does_pickup = fields.Boolean(
        string="Click & Collect", default=True,
        help="Customers pick up web orders at this store.",
    )
    cc_does_ship = fields.Boolean(
        string="Ship from Store", default=True,
        help="This store ships web orders to customers.",
    )
    # The store's opening hours, in the customer's messages and on the tracking page: the same
    # field as Odoo's e-shop pickup (website_sale_collect), which a store without the e-shop
    # needs too.
    opening_hours = fields.Many2one(comodel_name="resource.calendar", check_company=True)
    cc_pickup_days = fields.Integer(
        string="Days at the Counter", default=7,
        help="How many days a ready Click & Collect order waits for its customer before it expires.",
    )
    cc_reminder_days = fields.Integer(
        string="Remind Before (Days)", default=2,
        help="How many days before a ready order expires its customer is reminded.",
    )
    cc_accept_minutes = fields.Integer(
        string="Accept Within (Minutes)",
        help="A new web order is late when it is not accepted this many minutes after it arrived, "
             "counted in the store's opening hours. 0: the company's.",
    )
    cc_ready_hours = fields.Float(
        string="Ready Within (Hours)",
        help="An accepted web order is late when it is not ready for pickup (or shipped) this many "
             "hours after it was accepted, counted in the store's opening hours. 0: the company's.",
    )
    cc_analytic_account_id = fields.Many2one(
        "account.analytic.account", string="Revenue Analytic Account", check_company=True,
        help="Web orders whose revenue this store books (its own, or as a web shop's turnover "
             "store) carry this analytic account on their lines.",
    )
    cc_require_pickup_code = fields.Boolean(
        string="Ask for the Pickup Code",
        help="At hand-over, the staff types the customer's pickup code.",
    )
    cc_curbside = fields.Boolean(
        string="Curbside Pickup",
        help="Customers of ready orders may wait in their car: they say where on the order's "
             "page, and the staff bring the order out.",
    )
    cc_curbside_bays = fields.Char(
        string="Curbside Bays", translate=True,
        help="Where the curbside bays are, as the customer reads it on the order's page "
             "(e.g. \"Bays 1 to 4, in front of the store\").",
    )
    cc_cash_journal_id = fields.Many2one(
        "account.journal", string="Till (Cash Journal)", check_company=True,
        domain="[('type', '=', 'cash')]",
        help="The store's cash register: money taken at its counter for web orders is booked here.",
    )
    cc_bank_journal_id = fields.Many2one(
        "account.journal", string="Bank Journal", check_company=True,
        domain="[('type', '=', 'bank')]",
        help="Where card payments and bank transfers registered by the store's staff are booked.",
    )
    cc_damaged_location_id = fields.Many2one(
        "stock.location", string="Damaged Returns Location", check_company=True,
        domain="[('usage', '=', 'internal')]",
        help="Where returned goods in a damaged condition are put, apart from the goods for sale. "
             "Without one, they come back into the store's stock.",
    )
    cc_user_ids = fields.Many2many(
        "res.users", "click_collect_store_user_rel", "store_id", "user_id", string="Staff",
        help="The users who work for this store and see its web orders.",
    )

    @api.constrains("cc_is_store", "cc_does_pickup", "cc_does_ship")
    def _check_cc_fulfilments(self):
        for store in self.filtered("cc_is_store"):
            if not (store.cc_does_pickup or store.cc_does_ship):
                raise ValidationError(self.env._(
                    "%(store)s is a store: it hands over Click & Collect orders, ships web orders, or both.",
                    store=store.display_name,
                ))

    def _cc_does(self, fulfilment):
        """Whether this store takes web orders of ``fulfilment`` (const.FULFILMENTS)."""
        self.ensure_one()
        return self[const.STORE_FULFILMENT_FIELDS[fulfilment]]

    def _cc_fulfilment_refusal(self, fulfilment):
        """Why this store takes no web order of ``fulfilment``."""
        self.ensure_one()
        labels = dict(self.env["sale.order"]._fields["cc_fulfilment"]._description_selection(self.env))
        return self.env._(
            "%(store)s does not take %(fulfilment)s orders (see the store's settings).",
            store=self.display_name, fulfilment=labels[fulfilment],
        )

    def _cc_payment_journals(self):
        """The store's own journals: its till and its bank journal."""
        self.ensure_one()
        return self.cc_cash_journal_id | self.cc_bank_journal_id

    def _cc_service_hours(self, level):
        """The hours a service level gives this store's orders: ``accept`` (from arrival) or
        ``ready`` (from acceptance); the company's when the store sets none."""
        self.ensure_one()
        if level == "accept":
            return (self.cc_accept_minutes or self.company_id.cc_accept_minutes) / 60
        return self.cc_ready_hours or self.company_id.cc_ready_hours

    def _cc_service_due(self, level, start):
        """When an order of this store that entered a service level at ``start`` (naive UTC) is
        due: the level's hours counted in the store's opening hours (public holidays of the
        schedule excluded), or round the clock for a store without opening hours."""
        self.ensure_one()
        hours = self._cc_service_hours(level)
        if hours <= 0:
            return False
        due = self.opening_hours and self.opening_hours.plan_hours(hours, start, compute_leaves=True)
        return due or start + timedelta(hours=hours)

    def _cc_late_responsible(self):
        """Who hears of the store's late orders: a store manager among its staff, otherwise a
        web-order manager of its company (an empty recordset when there is none)."""
        self.ensure_one()
        # sudo: the store's staff and the company's web-order managers, whoever runs the check
        staff = self.sudo().cc_user_ids.filtered(lambda u: u.active and u.has_group(const.STORE_MANAGER))
        if staff:
            return staff.sorted("id")[:1]
        return self.company_id._cc_web_order_managers()[:1]
