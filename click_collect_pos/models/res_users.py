from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _cc_wide_rights(self):
        """Override of `click_collect`: Point of Sale administrators reach every store's points
        of sale."""
        return {
            **super()._cc_wide_rights(),
            "point_of_sale.group_pos_manager": self.env._("Point of Sale Administrator: every store's points of sale."),
        }
