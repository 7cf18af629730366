from odoo import Command, api

from odoo.addons.click_collect.tests.common import ClickCollectCommon, committed_ready_order
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon


def committed_ready_order_at_pos(registry, prefix, **kw):
    """``committed_ready_order`` with a point of sale of the new store, its store users being
    its cashiers: ``ids["config"]`` is the point of sale's."""
    ids, code = committed_ready_order(registry, prefix, groups="point_of_sale.group_pos_user", **kw)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
        store = env["stock.warehouse"].browse(ids["store"])
        ids["config"] = env["pos.config"].create({
            "name": f"{store.name} POS", "picking_type_id": store.pos_type_id.id,
        }).id
    return ids, code


class ClickCollectPosCommon(ClickCollectCommon, TestPointOfSaleHttpCommon):
    """The point of sale of Odoo's POS test helpers, made store A's; its cashier (``cashier``)
    works for store A only."""

    @classmethod
    def get_default_groups(cls):
        # the test's own user (Odoo's accounting test helpers) manages sales, stock and web orders
        return super().get_default_groups() | cls.quick_ref("sales_team.group_sale_manager") \
            | cls.quick_ref("stock.group_stock_manager") | cls.quick_ref("click_collect.group_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pos_config = cls.main_pos_config
        cls.pos_config.picking_type_id = cls.store_a.pos_type_id
        cls.pos_user.write({
            "group_ids": [Command.link(cls.env.ref("click_collect.group_store_user").id)],
            "cc_store_ids": [Command.set(cls.store_a.ids)],
        })
        cls.cashier = cls.pos_user

    @staticmethod
    def _cart_values(session, sale):
        """A cart of ``session`` settling the sales order ``sale`` (pos_sale's settle flow), not
        paid yet."""
        return {
            "session_id": session.id, "partner_id": sale.partner_id.id, "amount_tax": 0.0,
            "amount_total": sale.amount_total, "amount_paid": 0.0, "amount_return": 0.0,
            "lines": [Command.create({
                "product_id": line.product_id.id, "qty": line.product_uom_qty, "price_unit": line.price_unit,
                "price_subtotal": line.price_subtotal, "price_subtotal_incl": line.price_total,
                "sale_order_origin_id": sale.id, "sale_order_line_id": line.id,
            }) for line in sale.order_line],
        }
