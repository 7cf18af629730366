import json
import time

from odoo.tests import HttpCase

from odoo.addons.click_collect.tests.common import ClickCollectCommon
from odoo.addons.delivery_dhl_express.tests.dhl_server import FakeDhl
from odoo.addons.delivery_ghn.tests.ghn_server import FakeGhn, sign


def start_couriers(cls, prefix, *, timeout=2.0, retries=1, ghn=None, dhl=None):
    """Start the GHN and DHL test servers for a test class (stopped after it) and make a courier
    for each: ``cls.ghn_server``, ``cls.dhl_server``, ``cls.ghn`` ("GHN <prefix>"), ``cls.dhl``
    ("DHL <prefix>"). ``ghn`` and ``dhl`` add to or change the couriers' values."""
    cls.ghn_server = FakeGhn().start()
    cls.addClassCleanup(cls.ghn_server.stop)
    cls.dhl_server = FakeDhl().start()
    cls.addClassCleanup(cls.dhl_server.stop)
    product = cls.env["product.product"].create({"name": "Courier fee", "type": "service"})
    cls.ghn, cls.dhl = cls.env["delivery.carrier"].create([
        {
            "name": f"GHN {prefix}", "delivery_type": "ghn", "product_id": product.id,
            "courier_endpoint_url": cls.ghn_server.url, "ghn_token": "ghn-test-token", "ghn_shop_id": "885",
            "courier_timeout": timeout, "courier_retries": retries, **(ghn or {}),
        },
        {
            "name": f"DHL {prefix}", "delivery_type": "dhl_express", "product_id": product.id,
            "courier_endpoint_url": cls.dhl_server.url, "dhl_express_username": "dhl-user",
            "dhl_express_password": "dhl-pass", "dhl_express_account": "950000000",
            "courier_timeout": timeout, "courier_retries": retries, **(dhl or {}),
        },
    ])
    return product




class CouriersCommon(ClickCollectCommon, HttpCase):
    """Both connectors against real HTTP and SOAP servers on 127.0.0.1: GHN (cash on delivery,
    signed callbacks) and DHL Express, and the steps of a shipment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start_couriers(cls, "test", ghn={"allow_cash_on_delivery": True, "cc_webhook_secret": "whsec-123",
                                         "cc_webhook_hmac_secret": "hmac-456"},
                       dhl={"dhl_express_label_format": "ZPL"})
        cls.product_1.weight = 0.8
        cls.customer.write({"street2": "Ward 10", "state_id": False})

    def _preparing(self, method="cod", **kwargs):
        """A ship-from-store order being prepared (paid first when prepaid)."""
        order = self._order("ship", method=method, **kwargs)
        if method in ("online", "transfer"):
            self._pay(order, method="transfer")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        return order

    def _ship(self, order, carrier):
        wizard = self.env["click_collect.ship"].create({"order_id": order.id, "carrier_id": carrier.id})
        self.assertTrue(wizard.has_connector)
        wizard.action_ship()
        return order.picking_ids.filtered(lambda p: p.location_dest_id.usage == "customer")

    def _creates(self, server, path):
        return [r for r in server.requests if r[0] == "POST" and path in r[1]]

    def _webhook(self, body, *, token="whsec-123", key="hmac-456", stamp=None, signature=None):
        raw = json.dumps(body).encode() if isinstance(body, dict) else body
        stamp = str(int(time.time())) if stamp is None else stamp
        headers = {"Content-Type": "application/json"}
        if token:
            headers["X-Webhook-Token"] = token
        if key:
            headers["X-Webhook-Timestamp"] = stamp
            headers["X-Webhook-Signature"] = signature or sign(key, stamp, raw)
        return self.url_open(f"/click_collect/courier/{self.ghn.id}/webhook", data=raw, headers=headers)

    def _process(self):
        self.env["click_collect.courier.event"]._cc_cron_process()

    def _poll_delivered(self, method, ceilings, target):
        """Ship ``method`` orders with GHN in batches of 2 and 6, have GHN deliver them and poll
        each batch within its ceiling of queries ({size: queries}): every order reaches
        ``target``, on its own timeline (channel cron, naming its shipment).

        :return: ({size: the orders}, {size: the queries counted})
        """
        batches, queries = {}, {}
        for size in sorted(ceilings):
            orders = self.env["sale.order"].concat(*[self._preparing(method) for _ in range(size)])
            pickings = self.env["stock.picking"].concat(*[self._ship(order, self.ghn) for order in orders])
            for picking in pickings:
                self.ghn_server.set_status(picking.carrier_tracking_ref, "delivered")
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with self.assertQueryCount(ceilings[size]):
                changed = self.env["delivery.carrier"]._cc_poll(pickings)
            queries[size] = self.env.cr.sql_log_count - before
            self.assertEqual(changed, pickings)
            self.assertEqual(set(orders.mapped("cc_state")), {target})
            for order, picking in zip(orders, pickings, strict=True):
                event = order.cc_event_ids.sorted("id")[-1]
                self.assertEqual((event.to_state, event.channel), (target, "cron"))
                self.assertIn(picking.carrier_tracking_ref, event.note, "each timeline names its own shipment")
            batches[size] = orders
        return batches, queries
