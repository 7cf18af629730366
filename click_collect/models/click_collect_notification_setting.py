from odoo import fields, models

from .. import const


class ClickCollectNotificationSetting(models.Model):
    """Which customer messages a web shop's orders send, per step and channel."""

    _name = "click_collect.notification.setting"
    _description = "Web Shop Customer Message Setting"
    _order = "web_shop_id, sequence, id"

    web_shop_id = fields.Many2one("click_collect.web.shop", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="web_shop_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    step = fields.Selection(const.NOTIFICATION_STEPS, required=True)
    email = fields.Boolean(default=True)
    sms = fields.Boolean(string="SMS", default=True)

    _step_uniq = models.Constraint(
        "UNIQUE(web_shop_id, step)", "A web shop has one setting per customer message.",
    )
