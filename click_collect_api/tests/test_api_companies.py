from odoo.tests import tagged

from odoo.addons.click_collect.tests.common import CompaniesCommon


@tagged("post_install", "-at_install")
class TestIntegrationCompanies(CompaniesCommon):
    """The records of the integrations (web shops' webhooks and API requests, couriers'
    callbacks) belong to a company, and are seen in it only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.records = {}
        for company, carrier in cls.company_carriers.items():
            shop = cls.env["click_collect.web.shop"].create({
                "name": f"Shop of {company.name}", "code": f"CO{company.id}", "company_id": company.id,
            })
            cls.records[company] = {
                "click_collect.webhook.delivery": cls.env["click_collect.webhook.delivery"].sudo().create({
                    "web_shop_id": shop.id, "payload": "{}",
                }),
                "click_collect.api.request": cls.env["click_collect.api.request"].create({
                    "web_shop_id": shop.id, "key": "key", "request_hash": "hash",
                }),
                "click_collect.courier.event": cls.env["click_collect.courier.event"].create({
                    "carrier_id": carrier.id, "event_key": f"event-{company.id}", "tracking_ref": "T1",
                }),
            }

    def test_another_companys_integration_records_are_hidden(self):
        """Replays a web-order manager and accountant of one company reading the other company's
        webhooks, API requests and courier callbacks: hidden; a user of both sees both."""
        self._check_companies(self.records)
    def test_courier_callback_takes_the_company_of_its_courier(self):
        """A callback belongs to its courier's company; one of a courier of every company, not
        matched to a shipment yet, is seen in every company."""
        shared = self.env["delivery.carrier"].create({
            "name": "Courier of every company", "delivery_type": "fixed",
            "product_id": self.env["product.product"].create({"name": "Shared Fee", "type": "service"}).id,
            "company_id": False,
        })
        event = self.env["click_collect.courier.event"].create({
            "carrier_id": shared.id, "event_key": "shared", "tracking_ref": "T2",
        })
        self.assertFalse(event.company_id)
        self.assertEqual(event.with_user(self.manager).search([("id", "=", event.id)]), event)
