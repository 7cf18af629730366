from odoo import Command
from odoo.tests import TransactionCase


class CourierCase(TransactionCase):
    """What a carrier connector's tests ship: a customer, a product in stock, sales to deliver
    (Odoo's own sale and delivery, nothing else)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({
            "name": "Nguyen Van An", "street": "12 Ly Thuong Kiet", "street2": "Ward 10", "city": "Hanoi",
            "zip": "100000", "country_id": cls.env.ref("base.vn").id, "phone": "+84 912 345 678",
            "email": "an@example.com",
        })
        cls.product = cls.env["product.product"].create({
            "name": "Desk lamp", "is_storable": True, "list_price": 40.0, "weight": 0.8,
        })
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.warehouse.lot_stock_id, 100)
        cls.fee = cls.env["product.product"].create({"name": "Courier fee", "type": "service"})

    def _sale(self, carrier, qty=2, cod=False):
        """A confirmed sale of ``qty`` lamps to be delivered by ``carrier`` (paid in cash to the
        carrier with ``cod``, as Odoo's cash on delivery leaves it: a pending transaction).

        :return: (the sale, its delivery)
        """
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id, "carrier_id": carrier.id, "warehouse_id": self.warehouse.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": qty,
                                           "price_unit": 40.0, "tax_ids": False})],
        })
        order.action_confirm()
        if cod:
            provider = self.env.ref("delivery.payment_provider_cod")
            self.env["payment.transaction"].create({
                "provider_id": provider.id,
                "payment_method_id": self.env.ref("delivery.payment_method_cash_on_delivery").id,
                "amount": order.amount_total, "currency_id": order.currency_id.id,
                "partner_id": self.customer.id, "reference": f"{order.name}-COD", "state": "pending",
                "sale_order_ids": [Command.set(order.ids)],
            })
        return order, order.picking_ids

    def _validate(self, picking):
        """Validate the delivery: Odoo sends it to the carrier (its tracking number, label)."""
        picking.move_ids.quantity = picking.move_ids.product_uom_qty
        picking.move_ids.picked = True
        self.assertIs(picking.button_validate(), True)
        return picking
