from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    cc_store_ids = fields.Many2many(
        "stock.warehouse", "click_collect_store_user_rel", "user_id", "store_id",
        string="Stores", domain="[('cc_is_store', '=', True)]",
        help="The stores whose web orders this user sees and acts on (store users and managers).",
    )
