from odoo import api, models


class ClickCollectOrderWizard(models.AbstractModel):
    """A screen that acts on one web order (``order_id``): scan, hand-over, payment, shipping.

    Its related fields (customer, amounts, lines, state) are computed as superuser, as related
    fields are: a wizard created or changed with an order the user may not read would show that
    order. Every wizard of the flow checks, whoever calls it and whatever the context, that the
    user may read the order it is given.
    """

    _name = "click_collect.order.wizard"
    _description = "Click & Collect: Screen on a Web Order"

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._cc_check_order_access()
        return wizards

    def write(self, vals):
        res = super().write(vals)
        if "order_id" in vals:
            self._cc_check_order_access()
        return res

    def onchange(self, values, field_names, fields_spec):
        """Override of `web`: the screen's form computes its fields from the order before any
        wizard is created: the order given (or defaulted by the context) must be readable by
        the user, as at creation."""
        if not self.env.su:
            order_id = values.get("order_id") or self.env.context.get("default_order_id")
            if isinstance(order_id, dict):
                order_id = order_id.get("id")
            if isinstance(order_id, int):
                self.env["sale.order"].browse(order_id).check_access("read")
        return super().onchange(values, field_names, fields_spec)

    @api.onchange("order_id")
    def _onchange_cc_order_access(self):
        self._cc_check_order_access()

    def _cc_check_order_access(self):
        """Raise an AccessError unless the user may read the wizards' orders."""
        if not self.env.su:
            self.order_id.check_access("read")
