from odoo import fields, models


class Website(models.Model):
    """What the customers of the e-shop's Click & Collect orders may do from their order's
    page (the web shops of the web-shop API have the same settings)."""

    _inherit = "website"

    cc_customer_cancel = fields.Boolean(
        string="Customers May Cancel Pickup Orders",
        help="The customer may cancel a Click & Collect order from its tracking page until the "
             "store starts preparing it (new or accepted).",
    )
    cc_customer_store_change = fields.Boolean(
        string="Customers May Change the Pickup Store", default=True,
        help="The customer may pick a Click & Collect order up at another store of its delivery "
             "method, chosen on its tracking page, until the store starts preparing it.",
    )
