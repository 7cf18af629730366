from collections import defaultdict

from odoo import api, models


class ReportBatchPickList(models.AbstractModel):
    """One pick list for several web orders: what to take, by location and product, and which
    order takes how many of it (the goods each order's store delivery reserved; what is not
    reserved yet is listed at the delivery's source location)."""

    _name = "report.click_collect.report_cc_batch_pick_list"
    _description = "Click & Collect Batch Pick List"

    @api.model
    def _get_report_values(self, docids, data=None):
        orders = self.env["sale.order"].browse(docids)
        return {"doc_ids": docids, "doc_model": "sale.order", "docs": orders, "rows": self._rows(orders)}

    @api.model
    def _rows(self, orders):
        """[{location, product, qty_label, orders: [(order, qty label)]}] by location, then
        product: the open moves of the orders' store deliveries, read in batch."""
        moves = orders._cc_store_deliveries().move_ids.filtered(
            lambda m: m.state not in ("done", "cancel") and m.product_id.type != "service")
        taken = defaultdict(lambda: defaultdict(float))  # (location, product, uom) -> {order: qty}
        for move in moves:
            order = move.picking_id.sale_id
            for line in move.move_line_ids:
                qty = line.product_uom_id._compute_quantity(line.quantity, move.product_uom)
                taken[line.location_id, move.product_id, move.product_uom][order] += qty
            missing = move.product_uom_qty - move.quantity
            if move.product_uom.compare(missing, 0) > 0:
                taken[move.location_id, move.product_id, move.product_uom][order] += missing
        rows = []
        for (location, product, uom), by_order in taken.items():
            rows.append({
                "location": location,
                "product": product,
                "qty_label": self._qty_label(sum(by_order.values()), uom),
                "orders": [(order, self._qty_label(qty, uom)) for order, qty in by_order.items()],
            })
        return sorted(rows, key=lambda row: (row["location"].complete_name or "", row["product"].display_name))

    @api.model
    def _qty_label(self, qty, uom):
        """"2 Units", "1.5 kg": the quantity without useless decimals."""
        return f"{uom.round(qty):g} {uom.name}"
