from odoo import fields, models

from .. import const


class ResCompany(models.Model):
    """The return policy of the company's web orders that no web shop sent, and the service
    levels of its stores that set none of their own."""

    _name = "res.company"
    _inherit = ["res.company", "click_collect.return.policy"]

    cc_accept_minutes = fields.Integer(
        string="Accept Web Orders Within (Minutes)", default=30,
        help="A new web order is late when its store did not accept it this many minutes after it "
             "arrived, counted in the store's opening hours. A store may set its own.",
    )
    cc_ready_hours = fields.Float(
        string="Ready Within (Hours)", default=4.0,
        help="An accepted web order is late when it is not ready for pickup (or shipped) this many "
             "hours after it was accepted, counted in the store's opening hours. A store may set "
             "its own.",
    )

    def _cc_web_order_managers(self):
        """The company's active web-order managers (internal users), oldest first: who is given
        the refunds to make and the late orders of stores without a manager."""
        self.ensure_one()
        # sudo: who manages the company's web orders, whoever asks
        return self.env.ref(const.MANAGER).sudo().all_user_ids.filtered(
            lambda u: u.active and not u.share and self in u.company_ids).sorted("id")
