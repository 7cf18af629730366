import logging
import time
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..tools.jobs import trigger_job

_logger = logging.getLogger(__name__)

RESERVE_JOB = "click_collect.ir_cron_reserve_web_orders"
RESERVE_BATCH = 50
# a batch that met a concurrent change of the same stock is tried again in a new transaction,
# this many times in one run of the job; then the job runs again this much later
RESERVE_CONFLICTS = 5
RESERVE_RETRY = timedelta(seconds=5)
PENDING = [("cc_reservation_pending", "=", True), ("state", "=", "sale")]


class SaleOrder(models.Model):
    """Web orders: their goods (the pickup store's supply, transit, turnover store, expiry)."""

    _inherit = "sale.order"

    cc_reservation_pending = fields.Boolean(
        string="Reservation Pending", readonly=True, copy=False,
        help="The order's goods are reserved at its store by a scheduled job in a few seconds "
             "(orders of a web shop's API), or by the first step a person takes on it.",
    )
    _cc_reservation_pending_index = models.Index("(id) WHERE cc_reservation_pending")

    # ------------------------------------------------------------------ stock

    def _cc_revenue_store(self):
        """The store that books this order's revenue: the web shop's turnover store, if any."""
        self.ensure_one()
        return self.cc_web_shop_id.turnover_store_id or self.cc_store_id

    def _cc_plan_supply(self):
        """Supply the pickup orders' lines that their store cannot serve from a source warehouse.

        A line whose goods are not all free at the store is supplied in full from the first
        warehouse the store is resupplied from (its "Resupply From" warehouses) that has them,
        through that warehouse's resupply route: Odoo's procurement creates the transfer to the
        transit location and the receipt at the store, and the delivery to the customer waits
        for that receipt.
        """
        moves = self._cc_store_deliveries().move_ids.filtered(
            lambda m: m.state in ("confirmed", "partially_available") and m.sale_line_id
            and m.picking_id.sale_id.cc_fulfilment == "pickup"
        )
        if not moves:
            return
        free = {}  # (warehouse, product) -> free quantity, read once per source warehouse
        for source in moves.picking_id.picking_type_id.warehouse_id.resupply_wh_ids:
            for product in moves.product_id.with_context(warehouse_id=source.id):
                free[source, product] = product.free_qty
        procurements = []
        for move in moves:
            store = move.picking_id.picking_type_id.warehouse_id
            for source in store.resupply_wh_ids:
                qty = move.product_uom._compute_quantity(move.product_uom_qty, move.product_id.uom_id)
                if move.product_id.uom_id.compare(free.get((source, move.product_id), 0.0), qty) < 0:
                    continue
                route = store.resupply_route_ids.filtered(lambda r, s=source: r.supplier_wh_id == s)[:1]
                if not route:
                    continue
                free[source, move.product_id] -= qty
                move._do_unreserve()
                move.procure_method = "make_to_order"
                values = move._prepare_procurement_values()
                values.update({
                    "route_ids": route,
                    "warehouse_id": store,
                    "move_dest_ids": move,
                })
                procurements.append(self.env["stock.rule"].Procurement(
                    move.product_id, move.product_uom_qty, move.product_uom, store.lot_stock_id,
                    move.sale_line_id.name, move.origin or move.picking_id.origin, move.company_id, values,
                ))
                break
        if procurements:
            # sudo: resupplying a store is stock management the web order asks for; the goods
            # move between warehouses whoever confirmed the order.
            self.env["stock.rule"].sudo().run(procurements)

    def _cc_after_confirm_stock(self):
        """Web orders just confirmed: plan the supply of the pickup orders' lines, or have the
        scheduled job reserve the orders whose reservation is pending (and plan their supply)."""
        pending = self.filtered("cc_reservation_pending")
        if pending:
            trigger_job(self.env, RESERVE_JOB)
        (self - pending).filtered(lambda o: o.cc_fulfilment == "pickup")._cc_plan_supply()

    @api.model
    def _cc_cron_reserve(self, batch_size=RESERVE_BATCH):
        """Scheduled job: reserve the goods of the web orders created with their reservation
        pending, oldest first, in batches (each committed, from a scheduled job).

        Web shops' orders are created and confirmed without reserving (a flash sale's orders
        of one product at one store would all update the same stock row, and wait for or undo
        each other); one job reserves them one batch after another. A batch that meets a
        concurrent change of the same stock (a store validating a delivery) is tried again in
        a new transaction, a few times; then the job runs again a little later.
        """
        in_job = bool(self.env.context.get("ir_cron_progress_id"))
        # sudo: the job reserves the orders of every company and store
        Order, conflicts = self.sudo(), 0
        while True:
            batch = Order.search(PENDING, order="id", limit=batch_size)
            if not batch:
                return
            try:
                batch._cc_reserve_batch()
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                conflicts += 1
                _logger.info("Reserving web orders %s met a concurrent change (%s), %s time(s).",
                             batch.ids, error.pgcode, conflicts)
                if not in_job or conflicts >= RESERVE_CONFLICTS:
                    trigger_job(self.env, RESERVE_JOB, fields.Datetime.now() + RESERVE_RETRY)
                    return
                # a new transaction sees the other one's change
                if not self.env["ir.cron"]._commit_progress(0):
                    return
                time.sleep(0.2 * conflicts)
                continue
            if not in_job:
                continue
            remaining = Order.search_count(PENDING)
            if not self.env["ir.cron"]._commit_progress(len(batch), remaining=remaining):
                return  # out of time: Odoo runs the job again at once for the rest

    def _cc_reserve_batch(self):
        """Reserve the pending orders together; when the goods of one of them cannot be reserved
        (its store's resupply route lost its rules, a company rule refuses), each one on its
        own: those that cannot are left unreserved, and said so on the order."""
        try:
            with self.env.cr.savepoint():
                self._cc_reserve_pending()
        except UserError:
            for order in self:
                try:
                    with self.env.cr.savepoint():
                        order._cc_reserve_pending()
                except UserError as error:
                    order._cc_reservation_failed(error)

    def _cc_reservation_failed(self, error):
        """The goods of the order could not be reserved: the job does not try again; the order
        says why, for the store to reserve them from its delivery once the cause is fixed."""
        self.ensure_one()
        # sudo: the flag is the flow's (see _cc_check_flow_values)
        self.sudo().cc_reservation_pending = False
        _logger.warning("The goods of web order %s could not be reserved: %s", self.name, error)
        self.message_post(body=self.env._(
            "The goods of this order could not be reserved at %(store)s: %(error)s Once the cause is "
            "fixed, reserve them from its delivery (Check Availability).",
            store=self.cc_store_id.name, error=str(error),
        ), subtype_xmlid="mail.mt_note")

    def _cc_reserve_pending(self):
        """Reserve the goods of the orders whose reservation is pending, as their confirmation
        would have, and plan the supply of the pickup orders' lines their store cannot serve."""
        orders = self.filtered(lambda o: o.cc_reservation_pending and o.state == "sale")
        if not orders:
            return
        # sudo: the flag is the flow's (see _cc_check_flow_values); reserving is what the
        # order's confirmation asked for, whoever reaches the order first
        orders.sudo().cc_reservation_pending = False
        moves = orders.picking_ids.move_ids.filtered(
            lambda m: m.state in ("confirmed", "partially_available") and m._should_assign_at_confirm()
        ).sorted(lambda m: (m.picking_id.sale_id.id, m.id))
        # sudo: as at the order's confirmation (stock.rule runs the moves as superuser)
        moves.sudo()._action_assign()
        orders.filtered(lambda o: o.cc_fulfilment == "pickup")._cc_plan_supply()

    def _cc_supply_moves(self):
        """Moves that bring the orders' goods from a source warehouse to their store's stock."""
        return self.picking_ids.move_ids.filtered(
            lambda m: m.state != "cancel" and (
                m.location_dest_id.usage == "transit"
                or (m.location_id.usage == "transit"
                    and m.location_dest_id.warehouse_id == m.picking_id.sale_id.cc_store_id)
            )
        )

    def _cc_sync_with_stock(self, channel="backoffice", note=None):
        """Move pickup orders on when their goods moved: sent from the source warehouse ->
        in transit; received at the store, every line reserved for the customer -> ready."""
        orders = self.filtered(
            lambda o: o.cc_fulfilment == "pickup" and o.cc_state in ("preparing", "in_transit")
        )
        for order in orders:
            supply = order._cc_supply_moves()
            if not supply:
                continue
            to_transit = supply.filtered(lambda m: m.location_dest_id.usage == "transit")
            receipts = supply - to_transit
            if order.cc_state == "preparing" and any(m.state == "done" for m in to_transit):
                order._cc_transition("in_transit", channel=channel, note=order._cc_supply_note(receipts) or note)
            if order.cc_state == "in_transit" and all(m.state == "done" for m in receipts):
                if not order._cc_guard_goods_at_store():
                    order._cc_transition("ready", channel=channel,
                                         note=note or self.env._("Every line arrived at the store."))
            elif order.cc_state == "in_transit" and any(m.state == "done" for m in receipts):
                order._cc_log_timeline_note(order._cc_supply_note(receipts), channel=channel)

    def _cc_receive_at_store(self):
        """The goods in transit arrived at the store (acceptance scan): validate their receipts.

        Their arrival moves the orders on (ready when every line is there).
        :return: the validated receipts
        """
        # sudo: whether the goods left the other warehouse is read there; the receipts found are
        # the store's own, validated by its staff.
        receipts = self.sudo()._cc_supply_moves().filtered(
            lambda m: m.location_id.usage == "transit" and m.state not in ("done", "cancel")
            and m.move_orig_ids and all(orig.state == "done" for orig in m.move_orig_ids)
        ).picking_id.sudo(False)
        if receipts:
            receipts.move_ids.filtered(lambda m: m.state not in ("done", "cancel")).picked = True
            receipts.with_context(skip_sms=True, skip_backorder=True).button_validate()
        return receipts

    def _cc_supply_note(self, receipts):
        """Which lines arrived at the store, and which are still on their way (and from where)."""
        self.ensure_one()
        arrived = receipts.filtered(lambda m: m.state == "done")
        waiting = receipts - arrived
        parts = []
        if arrived:
            parts.append(self.env._("Arrived: %(lines)s.", lines=", ".join(
                f"{m.product_id.display_name} ({m.quantity:g})" for m in arrived)))
        if waiting:
            parts.append(self.env._("Still on its way: %(lines)s.", lines=", ".join(
                f"{m.product_id.display_name} ({m.product_uom_qty:g}, "
                f"{m.move_orig_ids.location_id.warehouse_id.name or m.location_id.display_name})"
                for m in waiting)))
        return " ".join(parts)

    def _cc_log_timeline_note(self, note, channel="backoffice"):
        """Add a step to the timeline that does not change the state (a partial arrival, a
        partial hand-over, a reminder sent)."""
        # sudo: the timeline is append-only; the caller acts on orders it may change.
        return self.env["click_collect.event"].sudo().create([{
            "order_id": order.id,
            "from_state": order.cc_state,
            "to_state": order.cc_state,
            "user_id": self.env.uid,
            "store_id": order.cc_store_id.id,
            "channel": channel,
            "note": note,
        } for order in self]).sudo(False)

    def _cc_transfer(self, source, destination, quantities, note, *, location_dest=None, location=None):
        """Move goods from one warehouse's stock to another's, done at once (turnover store).

        :param dict quantities: {product.product: quantity in the product's unit}
        :param location_dest: where in ``destination`` the goods go (default: its stock)
        :param location: where in ``source`` they are (default: its stock)
        :return: the validated stock.picking
        """
        self.ensure_one()
        quantities = {product: qty for product, qty in quantities.items() if qty > 0}
        if not quantities or source == destination:
            return self.env["stock.picking"]
        # sudo: the turnover transfer is bookkeeping between two warehouses that the store
        # staff handing the order over does not manage; the door checked the hand-over itself.
        Picking = self.env["stock.picking"].sudo()
        location_dest = location_dest or destination.lot_stock_id
        location = location or source.lot_stock_id
        picking = Picking.create({
            "picking_type_id": source.int_type_id.id,
            "location_id": location.id,
            "location_dest_id": location_dest.id,
            "origin": self.name,
            "note": note,
            "move_ids": [Command.create({
                # linked to the order's line: the transfer shows on the order (it is not a
                # delivery, nor a return: it does not change the delivered quantity)
                "sale_line_id": self.order_line.filtered(lambda sol, p=product: sol.product_id == p)[:1].id,
                "to_refund": False,
                "reference_ids": [Command.set(self.stock_reference_ids.ids)],
                "product_id": product.id,
                "product_uom_qty": qty,
                "product_uom": product.uom_id.id,
                "location_id": location.id,
                "location_dest_id": location_dest.id,
            }) for product, qty in quantities.items()],
        })
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        if picking.state != "assigned":
            raise UserError(self.env._(
                "%(source)s does not have the goods to transfer to %(destination)s for %(order)s.",
                source=source.name, destination=destination.name, order=self.name,
            ))
        picking.with_context(skip_sms=True, skip_backorder=True).button_validate()
        return picking.sudo(False)

    def _cc_turnover_resource(self, pickings, keep_rest=False):
        """With a turnover store T, the goods a store S hands over are sold by T: the store's
        reservation becomes a transfer S -> T, validated at once, and the delivery, chained to
        it, leaves from T (Odoo reserves it there, on the goods the transfer brought).

        The reserved move lines go to the transfer as they are (same quants, lots, packages).
        What the customer does not take stays at S: in a backorder of the delivery, reserved
        (``keep_rest``), or cancelled (back in S's free stock).

        :return: the deliveries to validate (the same records)
        """
        # sudo: the delivery now leaves from the turnover store and the transfer goes into its
        # stock; the store staff handing the order over do not manage that store. The door
        # checked the hand-over itself.
        pickings = pickings.sudo()
        todo = pickings.filtered(
            lambda p: (turnover := p.sale_id.cc_web_shop_id.turnover_store_id)
            and turnover != p.picking_type_id.warehouse_id
        )
        handed = self._cc_handed_moves(todo, keep_rest)
        if not handed:
            return pickings.sudo(False)
        todo = handed.picking_id
        # The delivery waits for the transfer only (not for the goods' arrival at the store).
        handed.write({"move_orig_ids": [Command.clear()], "procure_method": "make_to_order"})
        transfers = self._cc_create_turnover_transfers(todo, handed)
        # The delivery becomes the turnover store's: its operation type, its stock as source
        # (also when T delivers in several steps: the goods arrive in its stock).
        for turnover in todo.sale_id.cc_web_shop_id.turnover_store_id:
            deliveries = todo.filtered(lambda p, t=turnover: p.sale_id.cc_web_shop_id.turnover_store_id == t)
            deliveries.write({"picking_type_id": turnover.out_type_id.id})
            if deliveries.location_id != turnover.lot_stock_id:
                deliveries.write({"location_id": turnover.lot_stock_id.id})
        # the delivery is reserved at the turnover store once the transfer is done (Odoo does
        # not reserve a move that is already picked)
        handed.picked = False
        handed._recompute_state()
        # confirmed as moves: no replenishment to trigger for stock that stays in the company
        transfers.move_ids._action_confirm(merge=False)
        transfers.with_context(skip_sms=True, skip_backorder=True,
                               picking_ids_not_to_backorder=transfers.ids).button_validate()
        if transfers.filtered(lambda p: p.state != "done"):
            raise UserError(self.env._(
                "The goods of %(orders)s could not be transferred to their turnover store.",
                orders=", ".join(todo.sale_id.mapped("name")),
            ))
        # What the transfer brought leaves, even where T's stock was short of it (as a delivery
        # validated with more than was reserved).
        for move in handed:
            brought = sum(move.move_orig_ids.mapped("quantity"))
            if move.product_uom.compare(move.quantity, brought) != 0:
                move.quantity = brought
        handed.picked = True
        return pickings.sudo(False)

    def _cc_handed_moves(self, deliveries, keep_rest):
        """The moves of ``deliveries`` handed over, what the customer does not take put aside
        as Odoo does on validation.

        Handed over: the picked moves (their picked lines), or everything reserved when nothing
        is picked (as ``button_validate``). The rest goes to a backorder (``keep_rest``, lines
        taken in part split as Odoo splits them) or is cancelled.
        """
        moves = deliveries.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        # a picked move's lines that are not picked are not validated (stock.move._action_done)
        moves.filtered("picked").move_line_ids.filtered(lambda ml: not ml.picked).unlink()
        picked = moves.filtered("picked").picking_id
        handed = moves.filtered(lambda m: (m.picked or m.picking_id not in picked)
                                and m.product_uom.compare(m.quantity, 0) > 0)
        pickings = handed.picking_id
        rest = (moves.filtered(lambda m: m.picking_id in pickings) - handed) | handed._create_backorder()
        if rest and keep_rest:
            pickings._create_backorder(backorder_moves=rest)
        elif rest:
            rest._action_cancel()
        return handed

    def _cc_create_turnover_transfers(self, deliveries, handed):
        """The transfers S -> T of the handed moves, one per delivery, holding the very move
        lines the store reserved. :return: the stock.picking transfers, draft"""
        transfer_vals, by_delivery = [], []
        for delivery in deliveries:
            order = delivery.sale_id
            store, turnover = delivery.picking_type_id.warehouse_id, order.cc_web_shop_id.turnover_store_id
            delivery_moves = handed.filtered(lambda m, p=delivery: m.picking_id == p)
            by_delivery.append((delivery_moves, turnover))
            transfer_vals.append({
                "picking_type_id": store.int_type_id.id,
                "location_id": store.lot_stock_id.id,
                "location_dest_id": turnover.lot_stock_id.id,
                "origin": order.name,
                "note": self.env._(
                    "Turnover of %(order)s: sold by %(turnover)s, handed over by %(store)s",
                    order=order.name, turnover=turnover.name, store=store.name,
                ),
                "move_ids": [Command.create({
                    # linked to the order's line: the transfer shows on the order (it is not
                    # a delivery, nor a return: it does not change the delivered quantity)
                    "sale_line_id": move.sale_line_id.id,
                    "to_refund": False,
                    "reference_ids": [Command.set(move.reference_ids.ids)],
                    "product_id": move.product_id.id,
                    "product_uom_qty": move.quantity,
                    "product_uom": move.product_uom.id,
                    "location_id": store.lot_stock_id.id,
                    "location_dest_id": turnover.lot_stock_id.id,
                    "move_dest_ids": [Command.link(move.id)],
                    "picked": True,
                }) for move in delivery_moves],
            })
        # sudo: see _cc_turnover_resource
        transfers = self.env["stock.picking"].sudo().create(transfer_vals)
        # The reserved lines keep their source, quants, lots, packages and owner: only their
        # move and destination change, so the reservation on the quants stands as it is. Odoo
        # would release it and reserve it again on the same quants, line by line, for any new
        # destination; skip_uom_conversion is the context under which stock.move.line.write
        # leaves the quants alone (the lines' quantity and unit do not change either).
        for transfer, (delivery_moves, turnover) in zip(transfers, by_delivery, strict=True):
            for move, transfer_move in zip(delivery_moves, transfer.move_ids, strict=True):
                move.move_line_ids.with_context(skip_uom_conversion=True).write({
                    "move_id": transfer_move.id, "picking_id": transfer.id,
                    "location_dest_id": turnover.lot_stock_id.id,
                })
        return transfers

    @api.model
    def _cc_cron_expire(self):
        """Daily: remind the customers of orders about to expire, expire the uncollected ones.

        Idempotent: an order is reminded once, and only ready orders expire.
        """
        now = fields.Datetime.now()
        to_remind = self.search([
            ("cc_state", "=", "ready"), ("cc_reminder_date", "<=", now),
            ("cc_expiry_date", ">", now), ("cc_reminder_sent", "=", False),
        ])
        if to_remind:
            to_remind._cc_notify_pickup_reminder()
            # sudo: a flow field, written by the job (see _cc_check_flow_values)
            to_remind.sudo().cc_reminder_sent = True
            to_remind._cc_log_timeline_note(self.env._("Pickup reminder sent."), channel="cron")
        expired = self.search([("cc_state", "=", "ready"), ("cc_expiry_date", "<=", now)])
        if expired:
            expired._cc_transition("expired", channel="cron", note=self.env._("Not collected in time."))
        return expired
