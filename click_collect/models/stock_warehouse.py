from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    cc_is_store = fields.Boolean(
        string="Is a Store", index=True,
        help="Stores hand over Click & Collect orders and ship web orders. "
             "The store's address is the warehouse's address.",
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
    cc_analytic_account_id = fields.Many2one(
        "account.analytic.account", string="Revenue Analytic Account", check_company=True,
        help="Web orders whose revenue this store books (its own, or as a web shop's turnover "
             "store) carry this analytic account on their lines.",
    )
    cc_require_pickup_code = fields.Boolean(
        string="Ask for the Pickup Code",
        help="At hand-over, the staff types the customer's pickup code.",
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

    def _cc_payment_journals(self):
        """The store's own journals: its till and its bank journal."""
        self.ensure_one()
        return self.cc_cash_journal_id | self.cc_bank_journal_id
