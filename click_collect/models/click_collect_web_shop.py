from odoo import api, fields, models

from ..tools.access import check_system_fields


class ClickCollectWebShop(models.Model):
    """A web shop whose orders the stores serve: its customer messages, prices, sales team,
    stores (click_collect_api connects an external web shop through the web-shop API)."""

    _name = "click_collect.web.shop"
    _inherit = ["click_collect.return.policy"]
    _description = "Web Shop"
    _order = "name"

    name = fields.Char(required=True, translate=False)
    code = fields.Char(required=True, help="Short code of the web shop, used in the API and reports.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    team_id = fields.Many2one("crm.team", string="Sales Team", check_company=True)
    pricelist_id = fields.Many2one("product.pricelist", check_company=True)
    default_store_id = fields.Many2one(
        "stock.warehouse", check_company=True,
        domain="[('cc_is_store', '=', True)]",
    )
    turnover_store_id = fields.Many2one(
        "stock.warehouse", check_company=True,
        domain="[('cc_is_store', '=', True)]",
        help="When set, all revenue of this web shop's orders is booked to this store.",
    )
    cc_customer_cancel = fields.Boolean(
        string="Customers May Cancel",
        help="The customer may cancel an order from its tracking page until the store starts "
             "preparing it (new or accepted).",
    )
    cc_customer_store_change = fields.Boolean(
        string="Customers May Change Store", default=True,
        help="The customer of a Click & Collect order may pick it up at another store, chosen on "
             "its tracking page, until the store starts preparing it (new or accepted).",
    )
    order_ids = fields.One2many("sale.order", "cc_web_shop_id", string="Orders")
    order_count = fields.Integer(compute="_compute_order_count")

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)", "The code of a web shop must be unique in its company.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # a form sends its empty fields too: an empty URL or user sends nothing anywhere
            check_system_fields(self, {key: value for key, value in vals.items() if value},
                                self._cc_system_fields())
        return super().create(vals_list)

    def write(self, vals):
        check_system_fields(self, vals, self._cc_system_fields())
        return super().write(vals)

    def _cc_system_fields(self):
        """The fields only administrators set (where the web shop's data goes, whose rights
        act for it): addons add theirs."""
        return ()

    @api.depends("order_ids")
    def _compute_order_count(self):
        counts = dict(self.env["sale.order"]._read_group(
            [("cc_web_shop_id", "in", self.ids)], ["cc_web_shop_id"], ["__count"],
        ))
        for shop in self:
            shop.order_count = counts.get(shop, 0)

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("click_collect.action_web_orders")
        action["domain"] = [("cc_web_shop_id", "=", self.id)]
        action["context"] = {"default_cc_web_shop_id": self.id}
        return action
