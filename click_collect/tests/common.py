import json
import uuid
from contextlib import closing, contextmanager
from unittest.mock import patch

from odoo import Command, api
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.click_collect import const
from odoo.addons.sms.tools.sms_api import SmsApi


class ClickCollectCommon(TransactionCase):
    """Stores, products with stock, users of every group and helpers to build web orders.

    Built once per test class; independent of demo data.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        # The flow sends its own messages; Odoo's "has been shipped" SMS is not one of them.
        cls.company.stock_text_confirmation = False

        cls.store_a = cls._create_store("Test Store A", "TSA")
        cls.store_b = cls._create_store("Test Store B", "TSB")
        cls.central = cls._create_store("Test Central", "TSC")
        cls.not_a_store = cls.env["stock.warehouse"].create({"name": "Test Depot", "code": "TDP"})

        cls.product_1, cls.product_2 = cls.env["product.product"].create([
            {"name": "CC Test Shoe", "type": "consu", "is_storable": True, "list_price": 50.0,
             "barcode": "2000000000015", "taxes_id": [Command.clear()]},
            {"name": "CC Test Bag", "type": "consu", "is_storable": True, "list_price": 30.0,
             "barcode": "2000000000022", "taxes_id": [Command.clear()]},
        ])
        Quant = cls.env["stock.quant"]
        for store in (cls.store_a, cls.store_b, cls.central):
            for product in (cls.product_1, cls.product_2):
                Quant._update_available_quantity(product, store.lot_stock_id, 100)

        cls.customer = cls.env["res.partner"].create({
            "name": "CC Test Customer", "email": "customer@example.com", "phone": "+32470000000",
            "street": "Main Street 1", "city": "Brussels", "zip": "1000",
            "country_id": cls.env.ref("base.be").id,
        })
        cls.pricelist = cls.env["product.pricelist"].create({
            "name": "CC Test Pricelist", "currency_id": cls.company.currency_id.id,
        })
        cls.carrier = cls.env["delivery.carrier"].create({
            "name": "CC Test Courier",
            "delivery_type": "fixed",
            "product_id": cls.env["product.product"].create({"name": "CC Shipping", "type": "service"}).id,
        })

        cls.user_store_a = new_test_user(
            cls.env, "cc_test_store_a", groups="click_collect.group_store_user",
            cc_store_ids=[Command.set(cls.store_a.ids)],
        )
        cls.user_store_b = new_test_user(
            cls.env, "cc_test_store_b", groups="click_collect.group_store_user",
            cc_store_ids=[Command.set(cls.store_b.ids)],
        )
        cls.user_store_manager_a = new_test_user(
            cls.env, "cc_test_store_mgr_a", groups="click_collect.group_store_manager",
            cc_store_ids=[Command.set(cls.store_a.ids)],
        )
        cls.user_manager = new_test_user(
            cls.env, "cc_test_manager", groups="click_collect.group_manager",
        )

    @classmethod
    def _create_store(cls, name, code):
        partner = cls.env["res.partner"].create({
            "name": name, "street": f"{name} street 1", "city": "Brussels", "zip": "1000",
            "country_id": cls.env.ref("base.be").id,
        })
        Journal = cls.env["account.journal"]
        return cls.env["stock.warehouse"].create({
            "name": name, "code": code, "partner_id": partner.id, "cc_is_store": True,
            "cc_cash_journal_id": Journal.create({"name": f"Till {name}", "code": f"T{code}", "type": "cash"}).id,
            "cc_bank_journal_id": Journal.search([("type", "=", "bank"), ("company_id", "=", cls.env.company.id)],
                                                 limit=1).id,
        })

    def _bus_sent(self, func):
        """What ``func()`` sends on Odoo's bus (its messages are created at commit):
        [(channel, message)], in the order sent."""
        Bus = self.env["bus.bus"].sudo()
        self.env.cr.precommit.run()
        last = Bus.search([], order="id desc", limit=1).id or 0
        func()
        self.env.cr.precommit.run()
        return [(json.loads(note.channel), json.loads(note.message))
                for note in Bus.search([("id", ">", last)], order="id")]

    def _popups(self, func):
        """The back-office notifications ``func()`` sends: [(partner id, payload)]."""
        return [(channel[2], message["payload"]) for channel, message in self._bus_sent(func)
                if message["type"] == "simple_notification" and channel[1] == "res.partner"]

    @classmethod
    def _order(cls, fulfilment="pickup", *, store=None, method="pay_at_store", qty=1, confirm=True,
               products=None, user=None):
        """A web order of ``qty`` of each product (50 + 30 a piece, no tax)."""
        env = cls.env(user=user) if user else cls.env
        order = env["sale.order"].create({
            "partner_id": cls.customer.id,
            "pricelist_id": cls.pricelist.id,
            "cc_fulfilment": fulfilment,
            "cc_store_id": (store or cls.store_a).id,
            "cc_payment_method": method,
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": qty, "tax_ids": [Command.clear()]})
                for product in (products or (cls.product_1, cls.product_2))
            ],
        })
        if confirm:
            order.action_confirm()
        return order

    def _pay(self, order, *, method=None, amount=None, reference="BANK-42"):
        return order._cc_register_payment(
            order.amount_total if amount is None else amount, reference, method=method,
        )

    def _shipped_by_hand(self, method="cod"):
        """A ship-from-store order shipped with a courier typed in by hand (no record)."""
        order = self._order("ship", method=method)
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        self.env["click_collect.ship"].create({
            "order_id": order.id, "tracking_ref": "X1", "courier_name": "Bike Courier Ltd",
        }).action_ship()
        return order

    def _force_state(self, orders, state):
        """Put orders in a flow state without the door (test set-up only)."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET cc_state = %s WHERE id = ANY(%s)", [state, orders.ids],
        )
        orders.invalidate_recordset(["cc_state"])

    def _queries(self, func):
        """The queries ``func()`` makes, everything flushed, from empty caches."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    @contextmanager
    def _rolled_back(self):
        """Run the block, then undo everything it did in the database and the caches."""
        with closing(self.env.cr.savepoint()):
            yield
        self.env.invalidate_all()

    @staticmethod
    def _sms_service_answers(sms, state, failure_reason=None):
        """Odoo's SMS job sends ``sms`` and the SMS service answers ``state`` (its word: success,
        wrong_number_format, insufficient_credit...) for each. In Odoo's tests the SMS service
        (IAP) is never reached, which Odoo records as a server error; its answers are given at
        its entry point. tests/test_faults_e2e.py has a real SMS service over HTTP."""
        def send_sms_batch(_api, messages, delivery_reports_url=False):
            return [{"uuid": number["uuid"], "state": state, "failure_reason": failure_reason}
                    for message in messages for number in message["numbers"]]

        with patch.object(SmsApi, "_send_sms_batch", send_sms_batch):
            sms.send()

    def _state_label(self, state):
        return dict(const.STATES)[state]


class CompaniesCommon(TransactionCase):
    """Two companies, a web-order manager and accountant of the first, one of both: what each
    sees of records that belong to a company (``_check_companies``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.here = cls.env.company
        cls.there = cls.env["res.company"].create({"name": "CC Other Company", "currency_id": cls.here.currency_id.id})
        groups = "click_collect.group_manager,account.group_account_manager"
        cls.manager = new_test_user(cls.env, "cc_test_company_manager", groups=groups,
                                    company_id=cls.here.id, company_ids=[Command.set(cls.here.ids)])
        cls.both = new_test_user(cls.env, "cc_test_both_companies", groups=groups,
                                 company_id=cls.here.id, company_ids=[Command.set((cls.here | cls.there).ids)])
        # a courier of each company (a courier's company is its product's)
        cls.company_carriers = {
            company: cls.env["delivery.carrier"].create({
                "name": f"Courier of {company.name}", "delivery_type": "fixed", "company_id": company.id,
                "product_id": cls.env["product.product"].create({"name": "CC Company Courier Fee",
                                                                 "type": "service"}).id,
            })
            for company in (cls.here, cls.there)
        }

    def _check_companies(self, records):
        """``records``: {company: {model: records of that company}}. The manager of one company
        sees its own only, as Odoo hides another company's records; a user of both sees both."""
        for model, here in records[self.here].items():
            there = records[self.there][model]
            with self.subTest(model=model):
                self.assertEqual(here.company_id, self.here, model)
                self.assertEqual(there.company_id, self.there)
                every = here | there
                self.assertEqual(every.with_user(self.manager).search([("id", "in", every.ids)]), here)
                both = every.with_user(self.both).with_context(allowed_company_ids=(self.here | self.there).ids)
                self.assertEqual(both.search([("id", "in", every.ids)]), every)


def committed_ready_order(registry, prefix, *, users=2, qty=1, groups=""):
    """A ready and paid Click & Collect order of a new store (asking for the pickup code), and
    ``users`` store users of that store (with the ``groups`` named too), committed: other
    transactions see them. A store of its own, so that they change nothing other tests read.

    :return: ({"store", "product", "order": id, "users": [ids]}, the pickup code)
    """
    suffix = uuid.uuid4().hex[:6]
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
        env.company.stock_text_confirmation = False
        store = env["stock.warehouse"].create({
            "name": f"{prefix} Store {suffix}", "code": f"{prefix[0]}{suffix[:4]}", "cc_is_store": True,
            "cc_require_pickup_code": True,
            "partner_id": env["res.partner"].create({"name": f"{prefix} Store {suffix}"}).id,
        })
        product = env["product.product"].create({
            "name": f"{prefix} Shoe {suffix}", "type": "consu", "is_storable": True, "list_price": 40.0,
            "taxes_id": [Command.clear()],
        })
        env["stock.quant"]._update_available_quantity(product, store.lot_stock_id, 10)
        cashiers = [
            new_test_user(
                env, f"cc_{prefix.lower()}_{suffix}_{n}",
                groups=",".join(filter(None, ["base.group_user", "click_collect.group_store_user", groups])),
                cc_store_ids=[Command.set(store.ids)],
            ) for n in range(users)
        ]
        order = env["sale.order"].create({
            "partner_id": env["res.partner"].create({"name": f"{prefix} Customer {suffix}"}).id,
            "cc_fulfilment": "pickup", "cc_store_id": store.id, "cc_payment_method": "pay_at_store",
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty,
                                           "tax_ids": [Command.clear()]})],
        })
        order.action_confirm()
        for target in ("accepted", "preparing", "ready"):
            order._cc_transition(target)
        order._cc_register_payment(order.amount_total, f"TILL-{suffix}", method="pay_at_store")
        code = order.cc_pickup_code
        ids = {"store": store.id, "product": product.id, "order": order.id,
               "users": [cashier.id for cashier in cashiers]}
    return ids, code
