from odoo import Command
from odoo.tests import tagged

from .test_returns import ReturnsCommon

# The order with a long history has this many returns more than the other
EXTRA = 12
# Each count moves by a few queries between runs and databases (what the caches already hold),
# the difference of two growths by up to six: a query per earlier return would add twelve
NOISE = 6


@tagged("post_install", "-at_install")
class TestReturnQueries(ReturnsCommon):
    """Receiving a return does not cost more queries as the order's history grows: its earlier
    returns, their transfers, credit notes and timeline are read in batches, never one by one.
    Odoo's own return of the delivery and credit note do read each earlier return's moves (the
    delivered quantity of the order line, the value of the goods returned and credited): the
    flow's share on top of that stays the same."""

    def _receive_one(self, order):
        """The flow: a store clerk receives one shoe of ``order`` at store A."""
        return self._queries(lambda: self._receive(order, {self.product_1: 1}))

    def _odoo_return(self, order, quantities):
        """Odoo's own way, on an order of the back office: {product: qty} of the order's
        delivery returned and validated, then the order's credit note of them."""
        delivery = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        wizard = self.env["stock.return.picking"].with_context(
            active_id=delivery.id, active_model="stock.picking").create({"picking_id": delivery.id})
        for line in wizard.product_return_moves:
            line.write({"quantity": quantities.get(line.product_id, 0), "to_refund": True})
        returned = wizard._create_return()
        returned.move_ids.picked = True
        returned.with_context(skip_sms=True, skip_backorder=True).button_validate()
        credit_note = order._create_invoices(final=True)
        credit_note.action_post()
        self.assertEqual(credit_note.move_type, "out_refund")

    def _odoo_orders(self):
        """``_orders`` made and returned the plain way: back-office orders of store A."""
        orders = self.env["sale.order"].create([{
            "partner_id": self.customer.id,
            "warehouse_id": self.store_a.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 16,
                                           "tax_ids": [Command.clear()]})
                           for product in (self.product_1, self.product_2)],
        } for _i in range(2)])
        orders.action_confirm()
        for order in orders:
            self._validate(order.picking_ids)
            order._create_invoices().action_post()
            self._odoo_return(order, {self.product_2: 1})
        short, long_ = orders
        for _i in range(EXTRA):
            self._odoo_return(long_, {self.product_1: 1, self.product_2: 1})
        return short, long_

    def _orders(self, shop=None):
        """(short, long): two invoiced orders of 16 shoes and 16 bags, one with one return
        already, the other with 13, received at store A (as ``_odoo_orders``)."""
        lines = [(self.product_1, 16), (self.product_2, 16)]
        short, long_ = self._collected(lines=lines, shop=shop), self._collected(lines=lines, shop=shop)
        for order in (short, long_):
            order._create_invoices().action_post()
            self._receive(order, {self.product_2: 1})
        for _i in range(EXTRA):
            self._receive(long_, {self.product_1: 1, self.product_2: 1})
        self.assertEqual(len(long_.sudo().cc_return_ids), EXTRA + 1)
        return short, long_

    def _growth(self, shop=None):
        """(flow, Odoo): the queries of receiving one shoe of the order with 13 returns before and
        of the order with one, the flow's way and Odoo's."""
        # invoiced as delivered: Odoo's own credit note of a return follows the delivered quantity
        (self.product_1 | self.product_2).invoice_policy = "delivery"
        short, long_ = self._orders(shop)
        plain_short, plain_long = self._odoo_orders()
        ours = self._receive_one(short), self._receive_one(long_)
        odoo = tuple(self._queries(lambda order=order: self._odoo_return(order, {self.product_1: 1}))
                     for order in (plain_short, plain_long))
        for order in (long_, plain_long):
            self.assertEqual(order.order_line.mapped("qty_delivered"), [3.0, 3.0])
        return ours, odoo

    def test_a_return_costs_the_same_after_many_returns(self):
        ours, odoo = self._growth()
        self.assertLessEqual(ours[1] - ours[0], odoo[1] - odoo[0] + NOISE,
                             f"the flow's share grows with the order's returns: flow {ours}, Odoo's return {odoo}")
        self.assertLessEqual(ours[0], 240, "receiving one line of an order with one return before")

    def test_with_a_turnover_store_too(self):
        """With a turnover store each earlier return also moved its goods T -> return store, on
        the order line (the transfer shows on the order): Odoo's delivered quantity reads each of
        those moves' destination, one query each; the flow itself adds nothing per return."""
        ours, odoo = self._growth(shop=self.turnover_shop)
        self.assertLessEqual(ours[1] - ours[0], odoo[1] - odoo[0] + EXTRA + NOISE,
                             f"the flow's share grows with the order's returns: flow {ours}, Odoo's return {odoo}")
        self.assertLessEqual(ours[0], 290, "receiving one line through the turnover store")
