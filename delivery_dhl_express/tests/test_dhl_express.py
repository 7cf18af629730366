import requests

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import get_public_method
from odoo.tests import tagged

from odoo.addons.delivery_courier_base.tests.common import CourierCase
from odoo.addons.delivery_courier_base.tools.courier import CourierError

from ..tools import dhl as dhl_tools
from .dhl_server import FakeDhl

_PARTY = ("Contact/PersonName", "Contact/PhoneNumber", "Address/StreetLines", "Address/City")


@tagged("post_install", "-at_install")
class TestDhlExpress(CourierCase):
    """The DHL Express connector alone (Odoo's sale and delivery, OCA's delivery_state) against
    a SOAP server on 127.0.0.1 that holds each operation to DHL's published services."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FakeDhl().start()
        cls.addClassCleanup(cls.server.stop)
        cls.dhl = cls.env["delivery.carrier"].create({
            "name": "DHL Express", "delivery_type": "dhl_express", "product_id": cls.fee.id,
            "integration_level": "rate_and_ship", "courier_endpoint_url": cls.server.url,
            "dhl_express_username": "dhl-user", "dhl_express_password": "dhl-pass",
            "dhl_express_account": "950000000", "dhl_express_label_format": "ZPL",
            "courier_timeout": 2.0, "courier_retries": 1,
        })
        cls.store = cls.warehouse.partner_id
        cls.store.write({"street": "5 Trang Tien", "city": "Hanoi", "country_id": cls.env.ref("base.vn").id,
                         "phone": "+84 24 3825 0000"})

    def _shipped(self):
        _order, picking = self._sale(self.dhl)
        return self._validate(picking)

    def test_validating_the_delivery_ships_it_with_its_label(self):
        picking = self._shipped()
        waybill = picking.carrier_tracking_ref
        self.assertIn(waybill, self.server.shipments)
        label = self.env["ir.attachment"].search([("res_model", "=", "stock.picking"), ("res_id", "=", picking.id)])
        self.assertEqual(label.name, f"DHL-{waybill}.zpl")
        self.assertTrue(label.raw.startswith(b"^XA"))
        self.assertEqual(picking.delivery_state, "shipping_recorded_in_carrier")
        self.assertIn("AWB=" + waybill, self.dhl.get_tracking_link(picking))
        self.assertEqual(self.server.requests[-1][1], "/expressRateBook")

    def test_cancel(self):
        picking = self._shipped()
        waybill = picking.carrier_tracking_ref
        picking.cancel_shipment()
        self.assertEqual(self.server.shipments[waybill]["events"][-1], "CA")
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertEqual(picking.delivery_state, "canceled_shipment")

    def test_tracking_fills_delivery_state_a_batch_per_call(self):
        pickings = self._shipped() | self._shipped() | self._shipped()
        for picking, code in zip(pickings, ("PU", "NH", "OK"), strict=True):
            self.server.add_event(picking.carrier_tracking_ref, code)
        tracked = len([r for r in self.server.requests if r[1] == "/glDHLExpressTrack"])
        statuses, errors = {}, {}
        self.dhl.dhl_express_fetch_tracking(pickings, statuses, errors)
        self.assertEqual(len([r for r in self.server.requests if r[1] == "/glDHLExpressTrack"]), tracked + 1,
                         "one call on DHL's tracking service for the batch")
        self.assertEqual([statuses[p] for p in pickings], ["PU", "NH", "OK"])
        self.assertFalse(errors)
        for picking in pickings:
            picking.tracking_state_update()
        self.assertEqual(pickings.mapped("delivery_state"), ["in_transit", "incident", "customer_delivered"])
        self.server.fail("5xx", times=2)
        with self.assertRaisesRegex(UserError, r"DHL Express failed \(HTTP 502\)"):
            self.dhl.dhl_express_fetch_tracking(pickings, {}, {})

    def test_rates(self):
        order, _picking = self._sale(self.dhl)
        rate = self.dhl.rate_shipment(order)
        self.assertTrue(rate["success"], rate)
        self.assertGreater(rate["price"], 0)

    def test_connection_and_bad_credentials(self):
        self.assertEqual(self.dhl.action_courier_test_connection()["params"]["type"], "success")
        self.dhl.dhl_express_password = "wrong"
        with self.assertRaisesRegex(UserError, "Authentication failed"):
            self.dhl.action_courier_test_connection()

    def test_no_cash_on_delivery(self):
        with self.assertRaisesRegex(ValidationError, "does not collect cash on delivery"):
            self.dhl.allow_cash_on_delivery = True

    def test_services_as_dhl_publishes_them(self):
        """DHL Express tracks on its own service (glDHLExpressTrack), rates and ships on the rate
        book (expressRateBook); the test server holds each operation to its service and to the
        elements DHL requires, so that a request the connector sends wrong fails here too."""
        client = self.dhl._courier_client()
        self.assertEqual(dhl_tools.service_url("https://wsbexpress.dhl.com/gbl", "tracking"),
                         "https://wsbexpress.dhl.com/gbl/glDHLExpressTrack")
        self.assertEqual(dhl_tools.service_url("https://proxy.example.com/dhl/expressRateBook", "tracking"),
                         "https://proxy.example.com/dhl/glDHLExpressTrack", "the rate book's address of old settings")
        with self.assertRaisesRegex(CourierError, "missing PickupCountry, RequestorName"):
            client.delete_shipment("4700000001", "2026-12-01", "", "")
        # a tracking request sent to the rate book is refused, as DHL refuses it
        envelope = (
            b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            b'xmlns:tns="http://scxgxtt.phx-dc.dhl.com/euExpressRateBook/RateMsgRequest" '
            b'xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">'
            b'<soapenv:Header><wsse:Security><wsse:UsernameToken><wsse:Username>dhl-user</wsse:Username>'
            b'<wsse:Password>dhl-pass</wsse:Password></wsse:UsernameToken></wsse:Security></soapenv:Header>'
            b'<soapenv:Body><tns:TrackingRequest><AWBNumber><ArrayOfAWBNumberItem>1</ArrayOfAWBNumberItem>'
            b'</AWBNumber><LevelOfDetails>ALL_CHECK_POINTS</LevelOfDetails></tns:TrackingRequest></soapenv:Body>'
            b'</soapenv:Envelope>'
        )
        answer = requests.post(f"{self.server.url}/expressRateBook", data=envelope, timeout=10,
                               headers={"Content-Type": "text/xml"})
        self.assertEqual(answer.status_code, 500)
        self.assertIn("not an operation of the service", answer.text)
        answer = requests.post(f"{self.server.url}/glDHLExpressTrack", data=envelope, timeout=10,
                               headers={"Content-Type": "text/xml"})
        self.assertEqual(answer.status_code, 200)

    def test_a_return_label_ships_from_the_customer_back_to_the_store(self):
        """Odoo's return label (``get_return_label``): a DHL shipment from the customer to the
        store that shipped the delivery, billed to the account as the receiver's; its label (in
        the carrier's format) is the delivery's return label."""
        self.assertTrue(self.dhl.can_generate_return)
        picking = self._shipped()
        shipped = picking.carrier_tracking_ref
        [result] = self.dhl.get_return_label(picking)
        waybill = result["tracking_number"]
        self.assertNotEqual(waybill, shipped)
        request = self.server.shipments[waybill]["request"]
        self.assertEqual([request.findtext(f".//Ship/Shipper/{path}") for path in _PARTY],
                         [self.customer.name, self.customer.phone, "12 Ly Thuong Kiet", "Hanoi"])
        self.assertEqual([request.findtext(f".//Ship/Recipient/{path}") for path in _PARTY],
                         [self.store.name, "+84 24 3825 0000", "5 Trang Tien", "Hanoi"])
        self.assertEqual([request.findtext(f".//ShipmentInfo/{path}") for path in (
            "Account", "Billing/ShipperAccountNumber", "Billing/ShippingPaymentType", "Billing/BillingAccountNumber")],
            ["950000000", "950000000", "R", "950000000"])
        self.assertIsNone(request.find(".//SpecialServices"), "no cash on delivery, no other service")
        self.assertEqual(request.findtext(".//RequestedPackages/Weight"), "1.6")
        self.assertEqual(request.findtext(".//RequestedPackages/CustomerReferences"), picking.name)
        self.assertEqual(result["attachment"], picking.return_label_ids)
        self.assertEqual(result["attachment"].name, f"LabelReturn-dhl_express-{waybill}.zpl")
        self.assertTrue(result["attachment"].raw.startswith(b"^XA"))
        self.assertEqual(picking.carrier_tracking_ref, shipped, "the delivery keeps its own shipment")
        # the outbound shipment is the shipper's to pay
        self.assertIsNone(self.server.shipments[shipped]["request"].find(".//Billing"))
        # a PDF label, by the hook Odoo calls
        self.dhl.dhl_express_label_format = "PDF"
        [again] = self.dhl.dhl_express_get_return_label(picking)
        self.assertEqual(again["attachment"].name, f"LabelReturn-dhl_express-{again['tracking_number']}.pdf")
        self.assertTrue(again["attachment"].raw.startswith(b"%PDF"))
        self.assertEqual(picking.return_label_ids, result["attachment"] | again["attachment"])

    def test_a_return_dhl_refuses_says_why(self):
        picking = self._shipped()
        self.server.account = "950000001"  # the carrier's account is no longer the user's
        self.addCleanup(setattr, self.server, "account", "950000000")
        with self.assertRaisesRegex(UserError, r"(?m)^DHL Express: DHL Express refused the request\. "
                                               r"\(Account 950000000 is not valid for this user\)$"):
            self.dhl.get_return_label(picking)
        self.assertFalse(picking.return_label_ids)

    def test_the_return_label_with_the_delivery(self):
        """Odoo's "Generate Return Label" of the carrier: the return label comes with the
        shipment."""
        self.dhl.return_label_on_delivery = True
        picking = self._shipped()
        shipped, returned = list(self.server.shipments)[-2:]
        self.assertEqual(picking.carrier_tracking_ref, shipped)
        self.assertEqual(self.server.shipments[returned]["request"].findtext(".//Ship/Recipient/Contact/PersonName"),
                         self.store.name)
        self.assertEqual(picking.return_label_ids.name, f"LabelReturn-dhl_express-{returned}.zpl")

    def test_hooks_are_no_rpc_endpoints(self):
        for hook in ("courier_client", "courier_ping", "tracking_states", "fetch_tracking", "get_return_label"):
            with self.subTest(hook=hook), self.assertRaises(AccessError):
                get_public_method(self.dhl, f"dhl_express_{hook}")
