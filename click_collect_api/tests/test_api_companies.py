from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestIntegrationCompanies(TransactionCase):
    """The records of the integrations (web shops' webhooks and API requests, couriers'
    callbacks, cash-on-delivery remittances) belong to a company, and are seen in it only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.here = cls.env.company
        cls.there = cls.env["res.company"].create({"name": "CC Other Company", "currency_id": cls.here.currency_id.id})
        cls.manager = new_test_user(cls.env, "cc_test_company_manager",
                                    groups="click_collect.group_manager,account.group_account_manager",
                                    company_id=cls.here.id, company_ids=[Command.set(cls.here.ids)])
        cls.both = new_test_user(cls.env, "cc_test_both_companies",
                                 groups="click_collect.group_manager,account.group_account_manager",
                                 company_id=cls.here.id, company_ids=[Command.set((cls.here | cls.there).ids)])
        cls.records = {}
        for company in (cls.here, cls.there):
            # a courier's company is its product's
            fee = cls.env["product.product"].create({"name": "CC Company Courier Fee", "type": "service"})
            shop = cls.env["click_collect.web.shop"].create({
                "name": f"Shop of {company.name}", "code": f"CO{company.id}", "company_id": company.id,
            })
            carrier = cls.env["delivery.carrier"].create({
                "name": f"Courier of {company.name}", "delivery_type": "cc_ghn", "product_id": fee.id,
                "company_id": company.id,
            })
            journal = cls.env["account.journal"].create({
                "name": f"Remittances {company.id}", "type": "bank", "code": f"CR{company.id}",
                "company_id": company.id,
            })
            statement = cls.env["click_collect.cod.statement"].create({
                "name": f"Remittance {company.id}", "carrier_id": carrier.id, "company_id": company.id,
                "journal_id": journal.id, "line_ids": [Command.create({"tracking_ref": "T1", "amount": 10})],
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
                "click_collect.cod.statement": statement,
                "click_collect.cod.statement.line": statement.line_ids,
            }

    def test_another_companys_integration_records_are_hidden(self):
        """Replays a web-order manager and accountant of one company reading the other company's
        webhooks, API requests, courier callbacks and remittances: hidden, as Odoo hides
        another company's records; a user of both sees both."""
        for model, here in self.records[self.here].items():
            there = self.records[self.there][model]
            with self.subTest(model=model):
                self.assertEqual(here.company_id, self.here, model)
                self.assertEqual(there.company_id, self.there)
                every = here | there
                self.assertEqual(every.with_user(self.manager).search([("id", "in", every.ids)]), here)
                both = every.with_user(self.both).with_context(allowed_company_ids=(self.here | self.there).ids)
                self.assertEqual(both.search([("id", "in", every.ids)]), every)

    def test_courier_callback_takes_the_company_of_its_courier(self):
        """A callback belongs to its courier's company; one of a courier of every company, not
        matched to a shipment yet, is seen in every company."""
        shared = self.env["delivery.carrier"].create({
            "name": "Courier of every company", "delivery_type": "cc_ghn",
            "product_id": self.env["product.product"].create({"name": "Shared Fee", "type": "service"}).id,
            "company_id": False,
        })
        event = self.env["click_collect.courier.event"].create({
            "carrier_id": shared.id, "event_key": "shared", "tracking_ref": "T2",
        })
        self.assertFalse(event.company_id)
        self.assertEqual(event.with_user(self.manager).search([("id", "=", event.id)]), event)
