from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .test_stock import StockFlowCommon


@tagged("post_install", "-at_install")
class TestStoresSeeTheirOwnStock(StockFlowCommon):
    """Store staff see and move the transfers of their own stores (those it sends, those that
    arrive at it), and no other store's; store-to-store transfers work for the two stores."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_store_manager_b = new_test_user(
            cls.env, "cc_test_store_mgr_b", groups="click_collect.group_store_manager",
            cc_store_ids=[Command.set(cls.store_b.ids)],
        )

    def test_store_user_cannot_see_or_validate_another_stores_receipt(self):
        """Attack: a store user of store B validates store A's receipt of goods in transit: store
        A's order becomes ready and its customer is told, though nothing arrived."""
        order = self._web_order(lines=[(self.scarce, 2)])
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        self._validate(self._supply_pickings(order, self.central))
        receipt = self._receipts(order)
        Picking = self.env["stock.picking"].with_user(self.user_store_b)
        self.assertFalse(Picking.search([("id", "=", receipt.id)]))
        with self.assertRaises(AccessError):
            receipt.with_user(self.user_store_b).button_validate()
        with self.assertRaises(AccessError):
            receipt.move_ids.with_user(self.user_store_b).write({"quantity": 2, "picked": True})
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(order.cc_state, "in_transit")
        # its own store's staff sees it and receives it
        self.assertEqual(self.env["stock.picking"].with_user(self.user_store_a).search([("id", "=", receipt.id)]),
                         receipt)

    def test_store_to_store_transfer_by_the_stores_themselves(self):
        """Store B sends the goods a store A order lacks: store B's manager opens and validates
        the transfer in Inventory (without reading store A's order), store A receives it."""
        order = self._web_order(lines=[(self.rare, 2)])  # only store B has it
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        supply = self._supply_pickings(order, self.store_b)
        self.assertEqual(len(supply), 1)
        sender = self.user_store_manager_b
        with self.assertRaises(AccessError):
            order.with_user(sender).read(["partner_id"])
        Picking = self.env["stock.picking"].with_user(sender)
        self.assertIn(supply, Picking.search([("picking_type_code", "=", "outgoing")]))
        form = Form(supply.with_user(sender))
        self.assertEqual([move["product_id"] for move in form.move_ids._records], [self.rare.id])
        picking = form.save()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.with_context(skip_sms=True).button_validate()
        self.assertEqual(supply.state, "done")
        self.assertEqual(order.cc_state, "in_transit")
        last = order.cc_event_ids.sorted("id")[-1]
        self.assertEqual(last.user_id, sender, "the timeline names who sent the goods")
        # the receiving store receives them with its acceptance scan
        scan = Form(self.env["click_collect.scan"].with_user(self.user_store_a).with_context(default_mode="acceptance"))
        scan.code = order.name  # one scan, one receipt: no click
        self.assertEqual(order.cc_state, "ready")
        self.assertOnHand(self.rare, {"S": 2, "B": 2, "C": 0}, "store to store")

    def test_lists_of_inventory_for_store_roles(self):
        """Inventory's Deliveries and Receipts lists and its overview read what they show for a
        store user (they used to fail on another store's records and on courier zip prefixes)."""
        order = self._web_order(lines=[(self.product_1, 1)])
        for user in (self.user_store_a, self.user_store_manager_a):
            Picking = self.env["stock.picking"].with_user(user)
            for code in ("outgoing", "incoming", "internal"):
                pickings = Picking.search([("picking_type_code", "=", code)])
                pickings.read(["name", "partner_id", "carrier_id", "origin", "state", "sale_id"])
            self.assertIn(order.picking_ids, Picking.search([]))
            types = self.env["stock.picking.type"].with_user(user).search([])
            types.read(["name", "count_picking_ready", "warehouse_id"])
            self.env["delivery.carrier"].with_user(user).search([]).read(["name", "zip_prefix_ids"])

    def test_web_order_manager_and_inventory_admin_see_every_store(self):
        order_a = self._web_order(lines=[(self.product_1, 1)])
        admin = new_test_user(self.env, "cc_test_stock_admin",
                              groups="click_collect.group_store_user,stock.group_stock_manager",
                              cc_store_ids=[Command.set(self.store_b.ids)])
        for user in (self.user_manager, admin):
            self.assertIn(order_a.picking_ids, self.env["stock.picking"].with_user(user).search([]))

    def test_plain_inventory_user_keeps_every_warehouse(self):
        """Plain Odoo: an Inventory user without a store role sees every warehouse's transfers."""
        order = self._web_order(lines=[(self.product_1, 1)])
        user = new_test_user(self.env, "cc_test_stock_user", groups="stock.group_stock_user")
        self.assertIn(order.picking_ids, self.env["stock.picking"].with_user(user).search([]))
        with self.assertRaises(UserError):
            order.with_user(user)._cc_transition("accepted")

    def test_store_user_cannot_print_another_stores_papers(self):
        """Attack: a store user renders the pick list or the address label of another store's
        order (customer, address, lines) by its id."""
        order_b = self._order(store=self.store_b)
        Report = self.env["ir.actions.report"].with_user(self.user_store_a)
        for report in ("click_collect.report_cc_pick_list", "click_collect.report_cc_address_label"):
            with self.subTest(report=report), self.assertRaises(AccessError):
                Report._render_qweb_html(report, order_b.ids)
        own = self._order(store=self.store_a)
        html, _format = Report._render_qweb_html("click_collect.report_cc_pick_list", own.ids)
        self.assertIn(own.name, html.decode())

    def test_papers_not_in_plain_sales_print_menu(self):
        """Plain Odoo: a salesperson without a store role sees no pick list nor label in the
        print menu of quotations."""
        salesperson = new_test_user(self.env, "cc_test_print_sales", groups="sales_team.group_sale_salesman")
        bindings = self.env["ir.actions.actions"].with_user(salesperson).get_bindings("sale.order")
        names = {action["name"] for action in bindings.get("report", [])}
        self.assertFalse(names & {"Pick List", "Address Label"})
        store_bindings = self.env["ir.actions.actions"].with_user(self.user_store_a).get_bindings("sale.order")
        self.assertTrue({"Pick List", "Address Label"} <= {a["name"] for a in store_bindings.get("report", [])})

    def test_store_user_cannot_ship_another_stores_goods(self):
        """Attack: a store user books another store's goods out under their own store's
        operation types (a delivery or an internal transfer from the other store's stock)."""
        Picking = self.env["stock.picking"].with_user(self.user_store_a)
        for picking_type, destination in ((self.store_a.out_type_id, self.env.ref("stock.stock_location_customers")),
                                          (self.store_a.int_type_id, self.store_a.lot_stock_id)):
            with self.subTest(type=picking_type.name), self.assertRaises(AccessError):
                Picking.create({
                    "picking_type_id": picking_type.id,
                    "location_id": self.store_b.lot_stock_id.id,
                    "location_dest_id": destination.id,
                })
        # its own operations stay its own
        own = Picking.create({
            "picking_type_id": self.store_a.out_type_id.id,
            "location_id": self.store_a.lot_stock_id.id,
            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
        })
        self.assertTrue(own)
