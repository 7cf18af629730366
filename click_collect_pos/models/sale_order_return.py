from odoo import fields, models
from odoo.fields import Command


class SaleOrder(models.Model):
    """Web orders: goods coming back at a point of sale, the customer paid back from the till
    (click_collect.return, refund mode "till")."""

    _inherit = "sale.order"

    def _cc_return_refund_mode(self, refund_mode=None):
        """Override of `click_collect`: the till pays back only at a point of sale; goods
        received elsewhere (the back-office return screen, an announced return) under a "till"
        policy leave the refund to the back office."""
        mode = super()._cc_return_refund_mode(refund_mode)
        return "owed" if mode == "till" and refund_mode != "till" else mode

    def _cc_return_credit_note(self, ret):
        """Override of `click_collect`: a return paid back at the till is booked by the point
        of sale's refund (its lines, linked to the order's lines, lower what the order
        invoiced, as Odoo's pos_sale counts them; it is invoiced, reversing the order's
        invoice, when the order was invoiced): no credit note of its own."""
        if ret.refund_mode == "till":
            return False
        return super()._cc_return_credit_note(ret)

    def _cc_pos_return_describe(self, store):
        """What the point of sale shows to receive goods of this order at ``store`` (called as
        superuser by pos.config.cc_return_find: the store may not read the order).

        :return: dict: the order, its customer, the announced return, whether it is late, the
            refund mode and the lines with what may come back
        """
        self.ensure_one()
        requested = self.cc_return_ids.filtered(lambda r: r.state == "requested")[:1]
        announced = {line.sale_line_id: line.quantity for line in requested.line_ids}
        late = self._cc_return_late(at=requested.date if requested else None)
        mode = self._cc_return_refund_mode(self._cc_return_policy()[1])
        modes = dict(self.env["click_collect.return"]._fields["refund_mode"]._description_selection(self.env))
        return {
            "order_id": self.id,
            "order_name": self.name,
            "partner_name": self.partner_id.name or "",
            "store": self.cc_store_id.name or "",
            "return_id": requested.id or False,
            "return_name": requested.name or "",
            "late": bool(late),
            "late_message": self.env._(
                "Handed over on %(date)s: returns are accepted within %(days)s days. A store manager "
                "may accept it, saying why.", date=fields.Date.to_string(late[0].date()), days=late[1],
            ) if late else "",
            "refund_mode": mode,
            "refund_mode_label": modes.get(mode, ""),
            "lines": [
                {
                    "id": line.id,
                    "product": line.product_id.display_name or line.name,
                    "uom": line.product_uom_id.name or "",
                    "delivered": delivered,
                    "returnable": max(returnable, 0.0),
                    "quantity": min(announced.get(line, 0.0), max(returnable, 0.0)),
                    "unit_price": self._cc_format_amount(line._cc_unit_price_paid()),
                }
                for line, (delivered, _announced, returnable) in self._cc_return_quantities(requested=requested).items()
            ],
        }

    def _cc_pos_refund_values(self, ret, config):
        """The values of the point of sale's refund paying back the return ``ret`` at
        ``config``, in its open session: Odoo's refund order (as the back office's "Return
        Products" makes it), one line per returned line, linked to the order's line, at the
        price the customer paid (the order's discounts spread over its goods), invoiced."""
        self.ensure_one()
        session = config.current_session_id
        ratio = self._cc_goods_paid_ratio()
        lines = []
        for ret_line in ret.line_ids:
            sol = ret_line.sale_line_id
            product = sol.product_id
            qty = sol.product_uom_id._compute_quantity(ret_line.quantity, product.uom_id, round=False)
            lines.append(Command.create({
                "product_id": product.id,
                "full_product_name": sol.name,
                "qty": -qty,
                # the order line's unit price, per unit of the product
                "price_unit": sol.price_unit * ret_line.quantity / qty if qty else sol.price_unit,
                "discount": 100.0 - (100.0 - sol.discount) * ratio,
                "tax_ids": [Command.set(sol.tax_ids.ids)],
                "price_subtotal": 0.0,
                "price_subtotal_incl": 0.0,
                "sale_order_origin_id": self.id,
                "sale_order_line_id": sol.id,
            }))
        return {
            "name": self.env._("%(order)s RETURN %(ret)s", order=self.name, ret=ret.name),
            "session_id": session.id,
            "company_id": config.company_id.id,
            "user_id": self.env.uid,
            "partner_id": self.partner_id.id,
            "fiscal_position_id": False,  # the order lines' taxes are mapped already
            "pricelist_id": False,
            "date_order": fields.Datetime.now(),
            "is_refund": True,
            "to_invoice": True,
            "amount_tax": 0.0,
            "amount_total": 0.0,
            "amount_paid": 0.0,
            "amount_return": 0.0,
            "lines": lines,
        }
