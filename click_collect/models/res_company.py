from odoo import models


class ResCompany(models.Model):
    """The return policy of the company's web orders that no web shop sent."""

    _name = "res.company"
    _inherit = ["res.company", "click_collect.return.policy"]
