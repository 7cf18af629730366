from odoo import api, fields, models

from ..tools.api_contract import API_PREFIX


class ClickCollectWebShopApiKey(models.TransientModel):
    """A new API key of a web shop: its expiry asked first, then the key shown once with how the
    web shop uses it (the Bearer header, the API's base URL, its OpenAPI document)."""

    _name = "click_collect.web.shop.api.key"
    _description = "Web Shop API Key"

    shop_id = fields.Many2one("click_collect.web.shop", required=True, ondelete="cascade", readonly=True)
    expiration_date = fields.Date(
        string="Expires On",
        help="The key stops working after this day (Odoo's own API keys expiry); empty: it never expires. "
             "Make a new key before it expires, then give it to the web shop.",
    )
    key = fields.Char(readonly=True)
    base_url = fields.Char(string="API Base URL", compute="_compute_urls")
    openapi_url = fields.Char(string="OpenAPI Document", compute="_compute_urls")

    @api.depends("shop_id")
    def _compute_urls(self):
        root = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")
        for wizard in self:
            wizard.base_url = f"{root}{API_PREFIX}"
            wizard.openapi_url = f"{root}{API_PREFIX}/openapi.json"

    def action_generate(self):
        self.ensure_one()
        return self.shop_id.action_new_api_key(expiration_date=self.expiration_date)
