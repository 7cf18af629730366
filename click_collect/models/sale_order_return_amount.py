from odoo import models
from odoo.exceptions import UserError

from .click_collect_return import RECEIVED_STATES


class SaleOrder(models.Model):
    """Web orders: what the goods coming back are worth to the customer."""

    _inherit = "sale.order"

    def _cc_discount_lines(self):
        """The order's lines that lower its amount (coupons, rewards, discounts)."""
        return self.order_line.filtered(
            lambda line: not line.display_type and self.currency_id.compare_amounts(line.price_total, 0) < 0)

    def _cc_goods_price(self):
        """The goods' price: the total of the order's lines of goods, taxes included."""
        return sum(self._cc_returnable_goods().mapped("price_total"))

    def _cc_goods_paid(self):
        """What the customer paid for the goods: their price less the order's discount lines,
        and less (or plus) the cents by which the order's total differs from the sum of its
        lines' totals when taxes are rounded on the whole order (the company's "Round
        Globally"): ten lines of 5.175 each show 5.18, the order 51.75."""
        self.ensure_one()
        goods = self._cc_goods_price()
        discounted = min(max(goods + sum(self._cc_discount_lines().mapped("price_total")), 0.0), goods)
        rounding_gap = self.amount_total - sum(self.order_line.mapped("price_total"))
        return max(discounted + rounding_gap, 0.0)

    def _cc_goods_paid_ratio(self):
        """The share of their price the customer paid for the goods (``_cc_goods_paid``)."""
        self.ensure_one()
        goods = self._cc_goods_price()
        if self.currency_id.is_zero(goods):
            return 1.0
        return self._cc_goods_paid() / goods

    def _cc_goods_value(self, quantities):
        """The price of ``quantities`` ([(order line, quantity)]) of the order's goods."""
        return sum(sol.price_total / sol.product_uom_qty * qty for sol, qty in quantities if sol.product_uom_qty)

    def _cc_returned_share(self):
        """The share of the goods' price that came back with the returns received (what the
        order's discounts follow)."""
        self.ensure_one()
        goods = self._cc_goods_price()
        if self.currency_id.is_zero(goods):
            return 0.0
        # sudo: the returns of every store
        lines = self.sudo().cc_return_ids.filtered(lambda r: r.state in RECEIVED_STATES)._cc_discounts_follow().line_ids
        return min(self._cc_goods_value((line.sale_line_id, line.quantity) for line in lines) / goods, 1.0)

    def _cc_other_returns(self, requested=None):
        """The order's returns that refund something, but ``requested`` (the one being received)."""
        # sudo: the returns of every store, whichever store receives this one
        returns = self.sudo().cc_return_ids - (requested or self.env["click_collect.return"]).sudo()
        return returns.filtered(lambda r: r.state != "cancelled")

    def _cc_return_amounts(self, quantities, requested=None):
        """What the customer gets back for each of ``quantities`` ([(order line, quantity)]),
        taxes included: the goods' share of what was paid for all goods (``_cc_goods_paid``),
        counted with the goods of the other returns, less what those refund. Returns of every
        good therefore refund exactly what was paid, whatever was rounded on the way (the
        order's discounts, global tax rounding, a till's cash rounding).

        :return: a list of amounts, in the order of ``quantities``, rounded to the currency
        """
        self.ensure_one()
        currency = self.currency_id
        goods = self._cc_goods_price()
        if currency.is_zero(goods):
            return [0.0] * len(quantities)
        others = self._cc_other_returns(requested)
        before = self._cc_goods_value((line.sale_line_id, line.quantity) for line in others.line_ids)
        values = [self._cc_goods_value([item]) for item in quantities]
        share = min((before + sum(values)) / goods, 1.0)
        total = max(currency.round(self._cc_goods_paid() * share) - sum(others.mapped("amount_total")), 0.0)
        # the lines share the total in proportion to their price, the last one takes what is left
        amounts, left, price = [], total, sum(values)
        for index, value in enumerate(values):
            share = value / price if price else 0.0
            amount = left if index == len(values) - 1 else currency.round(total * share)
            amounts.append(amount)
            left = currency.round(left - amount)
        return amounts

    def _cc_check_return_amount(self, amount, requested=None):
        """A return never refunds more than the customer paid, less what other returns refund."""
        before = sum(self._cc_other_returns(requested).mapped("amount_total"))
        left = self.cc_amount_paid - before
        if self.currency_id.compare_amounts(amount, left) > 0:
            raise UserError(self.env._(
                "%(order)s: the goods returned are worth %(amount)s, but only %(left)s of what the "
                "customer paid is left to refund.",
                order=self.name, amount=self._cc_format_amount(amount),
                left=self._cc_format_amount(max(left, 0.0)),
            ))
