from unittest import SkipTest

from odoo.modules.registry import Registry
from odoo.tests import tagged
from odoo.tests.common import get_db_name

try:
    from odoo.addons.click_collect_pos.tests.common_pos import ClickCollectPosCommon
except ImportError:  # the point of sale's test helpers need it on the addons path
    ClickCollectPosCommon = None


@tagged("post_install", "-at_install")
class TestStoreCreditAtTheTill(*(() if ClickCollectPosCommon is None else (ClickCollectPosCommon,))):
    """Goods received at a point of sale under a store credit policy: the till pays nothing,
    the customer gets a gift card. Runs where the point of sale's addon is installed."""

    @classmethod
    def setUpClass(cls):
        if ClickCollectPosCommon is None or "pos.config" not in Registry(get_db_name()):
            raise SkipTest("click_collect_pos is not installed")
        super().setUpClass()
        program_id = cls.env["loyalty.program"].create_from_template("gift_card")["res_id"]
        cls.gift_cards = cls.env["loyalty.program"].browse(program_id)
        # as Odoo's own gift card program at a point of sale: its cards can be printed there
        cls.gift_cards.write({"company_id": cls.company.id,
                              "pos_report_print_id": cls.env.ref("loyalty.report_gift_card").id})
        cls.company.write({"cc_return_refund_mode": "store_credit",
                           "cc_return_credit_program_id": cls.gift_cards.id})
        cls.reason = cls.env.ref("click_collect.return_reason_size")

    def test_the_till_gives_a_gift_card_not_cash(self):
        self.pos_config.with_user(self.cashier).open_ui()
        session = self.pos_config.current_session_id
        order = self._order(method="transfer", store=self.store_b)
        self._pay(order, method="transfer")
        for target in ("accepted", "preparing", "ready", "collected"):
            order._cc_transition(target)
        till = self.pos_config.with_user(self.cashier)
        found = till.cc_return_find(order.name)
        self.assertEqual(found["refund_mode"], "store_credit")
        self.assertEqual(found["refund_mode_label"], "Store credit (gift card or eWallet)")
        self.assertEqual(found["payment_methods"], [], "the till pays nothing back")
        line = order.order_line.filtered(lambda sol: sol.product_id == self.product_1)
        result = till.cc_return_receive(order.id, [{"sale_line_id": line.id, "quantity": 1, "condition": "sellable"}],
                                        reason_id=self.reason.id)
        self.assertFalse(result["pos_order_id"])
        self.assertFalse(result["cash"])
        ret = self.env["click_collect.return"].browse(result["return_id"])
        self.assertIn(f"{ret.name} received: Refunded", result["message"])
        self.assertRecordValues(ret, [{"state": "refunded", "refund_mode": "store_credit", "channel": "pos",
                                       "store_id": self.store_a.id, "amount_total": 50.0}])
        self.assertRecordValues(ret.loyalty_card_id, [{"program_id": self.gift_cards.id,
                                                       "partner_id": order.partner_id.id, "points": 50.0}])
        self.assertEqual(ret.credit_invoice_id.amount_residual, 0.0, "paid by what the customer paid online")
        self.assertFalse(session.order_ids, "no refund order in the till's session")
        event = order.cc_event_ids.filtered(lambda e: e.return_id == ret).sorted("id")[-1:]
        self.assertEqual(event.pos_config_id, self.pos_config, "the timeline says which till")
