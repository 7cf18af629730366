from odoo import api, fields, models

from .. import const


class ResUsers(models.Model):
    _inherit = "res.users"

    cc_store_ids = fields.Many2many(
        "stock.warehouse", "click_collect_store_user_rel", "user_id", "store_id",
        string="Stores", domain="[('cc_is_store', '=', True)]",
        help="The stores whose web orders this user sees and acts on (store users and managers).",
    )

    cc_role_warning = fields.Text(
        string="Click & Collect Rights Warning", compute="_compute_cc_role_warning",
        help="Rights of this store user that reach beyond the user's stores.",
    )

    def _cc_wide_rights(self):
        """{xml id of a group: what it lets a store user see or do beyond their stores}, a group
        that implies another one coming first."""
        return {
            "sales_team.group_sale_salesman_all_leads": self.env._(
                "Sales (All Documents or Administrator): every store's web orders."),
            "sales_team.group_sale_salesman": self.env._(
                "Sales (Own Documents): the web orders of every store that have no salesperson."),
            "stock.group_stock_manager": self.env._("Inventory Administrator: every store's transfers."),
            "account.group_account_invoice": self.env._(
                "Accounting (Invoicing or more): every store's invoices and payments."),
        }

    @api.depends("group_ids")
    def _compute_cc_role_warning(self):
        store_user = self.env.ref(const.STORE_USER)
        manager = self.env.ref(const.MANAGER)
        wide = [(self.env.ref(xmlid, raise_if_not_found=False), text) for xmlid, text in self._cc_wide_rights().items()]
        for user in self:
            groups = user.group_ids.all_implied_ids
            if store_user not in groups or manager in groups:
                user.cc_role_warning = False
                continue
            reached, said = [], self.env["res.groups"]
            for group, text in wide:
                if group and group in groups and group not in said:
                    reached.append(f"- {text}")
                    said |= group.all_implied_ids  # what a higher right implies goes unsaid
            user.cc_role_warning = "\n".join([
                self.env._("This store user also has rights beyond their stores. With them, they see or act on:"),
                *reached,
                self.env._("Remove these rights to limit the user to their stores."),
            ]) if reached else False

    def _cc_edits_web_orders(self):
        """Whether the user may change Odoo's own fields of web orders (customer, lines,
        prices): web-order managers and Sales administrators. The order is the web shop's:
        everyone else acts on it through the flow."""
        self.ensure_one()
        return self.has_group(const.MANAGER) or self.has_group("sales_team.group_sale_manager")

    def _cc_is_clerk(self):
        """Whether the user's rights on web orders come from a store role: a store user or store
        manager who is neither a web-order manager nor a Sales administrator."""
        self.ensure_one()
        return self.has_group(const.STORE_USER) and not self.has_group(const.MANAGER) \
            and not self.has_group("sales_team.group_sale_manager")
