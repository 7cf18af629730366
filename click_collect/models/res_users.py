from odoo import fields, models

from .. import const


class ResUsers(models.Model):
    _inherit = "res.users"

    cc_store_ids = fields.Many2many(
        "stock.warehouse", "click_collect_store_user_rel", "user_id", "store_id",
        string="Stores", domain="[('cc_is_store', '=', True)]",
        help="The stores whose web orders this user sees and acts on (store users and managers).",
    )

    def _cc_is_clerk(self):
        """Whether the user's rights on web orders come from a store role: a store user or store
        manager who is neither a web-order manager nor a Sales administrator."""
        self.ensure_one()
        return self.has_group(const.STORE_USER) and not self.has_group(const.MANAGER) \
            and not self.has_group("sales_team.group_sale_manager")
