from odoo import api, fields, models

from .. import const


class ClickCollectWebShop(models.Model):
    _inherit = "click_collect.web.shop"

    notification_setting_ids = fields.One2many(
        "click_collect.notification.setting", "web_shop_id", string="Customer Messages",
        help="Which messages the customers of this web shop receive, by email and by SMS. "
             "Orders without a web shop send them all.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        shops = super().create(vals_list)
        shops._cc_ensure_notification_settings()
        return shops

    @api.model
    def _cc_ensure_notification_settings(self):
        """Give every web shop one setting per customer message (all on by default)."""
        # every web shop: a company has a handful
        shops = self or self.with_context(active_test=False).search([])  # pylint: disable=no-search-all
        existing = {(s.web_shop_id.id, s.step) for s in shops.notification_setting_ids}
        self.env["click_collect.notification.setting"].create([
            {"web_shop_id": shop.id, "step": step, "sequence": index}
            for shop in shops
            for index, (step, _label) in enumerate(const.NOTIFICATION_STEPS)
            if (shop.id, step) not in existing
        ])
