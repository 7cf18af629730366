from datetime import datetime, time

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# Set by administrators only: where the signed status webhooks go, and whose API keys act for
# the web shop (its orders, its customers).
SYSTEM_FIELDS = ("webhook_url", "webhook_secret", "user_id")


class ClickCollectWebShop(models.Model):
    """An external web shop that sends web orders through the API: its technical user and API
    keys, its status webhooks."""

    _inherit = "click_collect.web.shop"

    user_id = fields.Many2one(
        "res.users", string="Technical User", ondelete="restrict", check_company=True,
        domain="[('share', '=', True)]",
        help="The user whose API keys the web shop uses; its orders are created as this user. "
             "An external user in the group Web Shop (API) only (Create Technical User).",
    )
    webhook_url = fields.Char(string="Webhook URL", help="Where order status changes are posted, signed "
                                                          "(set by administrators).")
    webhook_secret = fields.Char(
        groups="base.group_system", copy=False,
        help="Key of the HMAC-SHA256 signature of every webhook sent to the web shop.",
    )

    def _cc_system_fields(self):
        """Override of `click_collect`: the webhook's URL and key, and the technical user."""
        return (*super()._cc_system_fields(), *SYSTEM_FIELDS)

    webhook_delivery_ids = fields.One2many("click_collect.webhook.delivery", "web_shop_id", string="Webhooks")
    webhook_failed_count = fields.Integer(compute="_compute_webhook_failed_count", string="Failed Webhooks")

    @api.depends("webhook_delivery_ids.state")
    def _compute_webhook_failed_count(self):
        counts = dict(self.env["click_collect.webhook.delivery"]._read_group(
            [("web_shop_id", "in", self.ids), ("state", "=", "failed")], ["web_shop_id"], ["__count"],
        ))
        for shop in self:
            shop.webhook_failed_count = counts.get(shop, 0)

    def action_view_webhook_deliveries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("click_collect_api.action_webhook_deliveries")
        action["domain"] = [("web_shop_id", "=", self.id)]
        return action

    @api.constrains("user_id")
    def _check_technical_user(self):
        for shop in self:
            if shop.user_id and not shop.user_id.share:
                raise ValidationError(self.env._(
                    "The technical user of %(shop)s, %(user)s, is an internal user: its API keys would "
                    "open all of Odoo to the web shop. Use an external user in the group Web Shop (API) "
                    "only (Create Technical User on the web shop).", shop=shop.name, user=shop.user_id.name,
                ))

    def action_create_technical_user(self):
        """Create the web shop's technical user: an external user in the group Web Shop (API)
        alone, never with the rights Odoo gives new users by default."""
        self.ensure_one()
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only administrators create technical users for web shops."))
        if self.user_id:
            raise UserError(self.env._("%(shop)s has a technical user already.", shop=self.name))
        Users = self.env["res.users"].with_context(active_test=False)
        login = f"webshop-api-{self.code.strip().lower()}"
        if Users.search_count([("login", "=", login)], limit=1):
            login = f"{login}-{self.id}"
        # no_reset_password: the user never logs in; it acts through its API keys only
        self.user_id = Users.with_context(no_reset_password=True).create({
            "name": self.env._("%(shop)s (API)", shop=self.name),
            "login": login,
            "company_id": self.company_id.id,
            "company_ids": [Command.set(self.company_id.ids)],
            "group_ids": [Command.set(self.env.ref("click_collect_api.group_web_shop_api").ids)],
        })
        return True

    def action_open_api_key(self):
        """Ask the expiry of a new API key of the web shop (then ``action_new_api_key``)."""
        self.ensure_one()
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only administrators create API keys for web shops."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "click_collect.web.shop.api.key",
            "name": self.env._("New API Key of %(shop)s", shop=self.name),
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_shop_id": self.id},
        }

    def action_new_api_key(self, expiration_date=None):
        """Create an API key of the web shop's technical user and show it once, with how the
        web shop uses it.

        :param expiration_date: the last day the key works (a date), or None: it never expires
        """
        self.ensure_one()
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only administrators create API keys for web shops."))
        if not self.user_id:
            raise UserError(self.env._("Give the web shop a technical user first."))
        if not self.user_id.has_group("click_collect_api.group_web_shop_api"):
            raise UserError(self.env._(
                "The technical user %(user)s must be in the group Web Shop (API).", user=self.user_id.name,
            ))
        # sudo as the technical user: API keys are created by their own user; an administrator
        # asked for it (checked above). The key is shown once and stored hashed.
        expiration_date = fields.Date.to_date(expiration_date) if expiration_date else None
        if expiration_date and expiration_date <= fields.Date.context_today(self):
            raise UserError(self.env._("An API key expires after today: choose a later day, or none."))
        key = self.env["res.users.apikeys"].with_user(self.user_id).sudo()._generate(
            None, self.env._("Web shop %(shop)s", shop=self.name),
            # the key works through its last day
            expiration_date and datetime.combine(expiration_date, time(23, 59, 59)),
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "click_collect.web.shop.api.key",
            "name": self.env._("API Key of %(shop)s", shop=self.name),
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_key": key, "default_shop_id": self.id, "default_expiration_date": expiration_date},
        }
