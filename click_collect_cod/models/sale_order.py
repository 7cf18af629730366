from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.click_collect import const


def _refuse_uninstall_while_awaiting(orders):
    """Uninstalling the addon while orders await their courier's cash would leave them with no
    way to close but registering that cash a second time: refused."""
    raise UserError(orders.env._(
        "%(count)s web orders await the cash their courier collected (%(orders)s): reconcile their "
        "remittances before uninstalling cash on delivery.",
        count=len(orders), orders=", ".join(orders[:10].mapped("name")),
    ))


# "awaiting COD" sits between delivered and done. The timeline's steps of uninstalled cash on
# delivery read as delivered (the parcel reached the customer).
AWAITING_COD = [("awaiting_cod", "Awaiting COD"), ("done",)]
AWAITING_COD_ONDELETE = {"awaiting_cod": "set delivered"}


class SaleOrder(models.Model):
    """Web orders paid in cash to the courier: they wait for the courier's remittance (Awaiting
    COD), the courier owing their cash until it is reconciled."""

    _inherit = "sale.order"

    cc_state = fields.Selection(selection_add=AWAITING_COD,
                                ondelete={"awaiting_cod": _refuse_uninstall_while_awaiting})
    cc_cod_move_id = fields.Many2one(
        "account.move", string="Cash on Delivery Entry", copy=False, readonly=True, index="btree_not_null",
        help="The entry that made the courier owe the collected cash instead of the customer.",
    )

    # ------------------------------------------------------------------ the flow's table

    @api.model
    def _cc_transitions(self):
        """Override of `click_collect`: a cash-on-delivery order not paid yet is not delivered
        but awaiting its cash, done once the courier's remittance pays it."""
        rows = [
            (fulfilment, source, target, (*guards, "not_cod"), group)
            if (fulfilment, source, target) == ("ship", "shipped", "delivered") else
            (fulfilment, source, target, guards, group)
            for fulfilment, source, target, guards, group in super()._cc_transitions()
        ]
        return [
            *rows,
            ("ship", "shipped", "awaiting_cod", ("cod",), const.STORE_USER),
            ("ship", "awaiting_cod", "done", ("paid",), const.STORE_MANAGER),
        ]

    @api.model
    def _cc_fulfilment_states(self):
        """Override of `click_collect`: the kanban column between delivered and done."""
        states = super()._cc_fulfilment_states()
        ship = states["ship"]
        ship.insert(ship.index("delivered") + 1, "awaiting_cod")
        return states

    @api.model
    def _cc_carrier_states(self):
        """Override of `click_collect`: the courier's "delivered" moves an order to awaiting COD."""
        return super()._cc_carrier_states() | {"awaiting_cod"}

    @api.model
    def _cc_notification_steps(self):
        """Override of `click_collect`: the customer hears "delivered" when the courier took the
        cash."""
        return {**super()._cc_notification_steps(), "awaiting_cod": "delivered"}

    @api.model
    def _cc_customer_states(self):
        """Override of `click_collect`: for the customer an order awaiting its cash is delivered."""
        return {**super()._cc_customer_states(), "awaiting_cod": "delivered"}

    def _cc_carrier_goal(self, target):
        """Override of `click_collect`: delivered becomes awaiting COD when the courier collected
        cash that is still to be remitted."""
        goal = super()._cc_carrier_goal(target)
        if goal == "delivered" and self._cc_cod_unpaid():
            return "awaiting_cod"
        return goal

    def _cc_flow_field_actions(self):
        """Override of `click_collect`."""
        return {**super()._cc_flow_field_actions(),
                "cc_cod_move_id": self.env._("use Collect COD, or import the courier's remittance")}

    # ------------------------------------------------------------------ guards

    def _cc_guard_cod(self):
        return {
            order: self.env._("it is not a cash-on-delivery order.")
            for order in self if order.cc_payment_method != "cod"
        }

    def _cc_guard_not_cod(self):
        return {
            order: self.env._("a cash-on-delivery order waits for the courier's remittance (Awaiting COD).")
            for order in self if order._cc_cod_unpaid()
        }

    # ------------------------------------------------------------------ the courier's receivable

    def _cc_after_awaiting_cod(self, **details):
        """The courier delivered and collected the cash: the order's invoice is paid by the
        courier, who now owes the shop that money (a receivable on the courier's partner, settled
        when its remittance is reconciled)."""
        # sudo: invoicing and moving a receivable are accounting the system does for the flow;
        # the door checked who asked (often the courier's callback itself).
        # An order shipped with a courier typed in by hand has no courier record to owe the cash:
        # its invoice waits for the cash registered on the order (Register Payment).
        orders = self.sudo().filtered(lambda o: not o.cc_cod_move_id and o._cc_courier(required=False))
        to_invoice = orders.filtered(
            lambda o: not o.invoice_ids.filtered(lambda m: m.state == "posted" and m.move_type == "out_invoice")
        )
        if to_invoice:
            to_invoice._create_invoices(grouped=True).action_post()  # one invoice per order
        # one miscellaneous journal per company, read once for all the orders
        journals = {}
        for journal in self.env["account.journal"].sudo().search(
                [("type", "=", "general"), ("company_id", "in", orders.company_id.ids)], order="sequence, id"):
            journals.setdefault(journal.company_id.id, journal)
        entries, receivables = [], []
        for order in orders:
            invoice_lines = order.invoice_ids.filtered(
                lambda m: m.state == "posted" and m.move_type == "out_invoice"
            ).line_ids.filtered(lambda line: line.account_type == "asset_receivable" and not line.reconciled)
            due = sum(invoice_lines.mapped("amount_residual"))
            if order.currency_id.is_zero(due) or not invoice_lines:
                continue
            courier = order._cc_courier()._cc_remitting_partner()
            journal = journals.get(order.company_id.id)
            if not journal:
                raise UserError(self.env._("%(company)s has no miscellaneous journal for cash-on-delivery entries.",
                                  company=order.company_id.name))
            account = invoice_lines[0].account_id
            entries.append({
                "move_type": "entry",
                "journal_id": journal.id,
                "date": fields.Date.context_today(self),
                "ref": self.env._("Cash on delivery of %(order)s, collected by %(courier)s", order=order.name,
                         courier=courier.name),
                "cc_cod_order_id": order.id,
                "line_ids": [
                    Command.create({"account_id": account.id, "partner_id": courier.id, "debit": due,
                                    "name": self.env._("%(order)s: cash collected by the courier", order=order.name)}),
                    Command.create({"account_id": account.id, "partner_id": invoice_lines[0].partner_id.id,
                                    "credit": due,
                                    "name": self.env._("%(order)s: paid cash on delivery", order=order.name)}),
                ],
            })
            receivables.append((order, invoice_lines))
        if not entries:
            return
        moves = self.env["account.move"].sudo().create(entries)
        moves.action_post()
        plan = []
        for (order, invoice_lines), move in zip(receivables, moves, strict=True):
            plan.append(move.line_ids.filtered(lambda line: line.credit) | invoice_lines)
            order.cc_cod_move_id = move
        # each order's invoice against its own entry, all in one pass of Odoo's reconciliation
        self.env["account.move.line"]._reconcile_plan(plan)

    def _cc_courier(self, required=True):
        """The courier of a shipped order: its shipment's carrier, or the order's."""
        self.ensure_one()
        shipments = self.picking_ids.filtered(
            lambda p: p.state == "done" and p.location_dest_id.usage == "customer" and p.carrier_id)
        courier = shipments[:1].carrier_id or self.carrier_id
        if not courier and required:
            raise UserError(self.env._("%(order)s has no courier to collect its cash on delivery.", order=self.name))
        return courier

    def _cc_cod_receivable_lines(self):
        """What the courier still owes for these orders (open lines of their COD entries)."""
        # sudo: web-order managers read what a courier owes for orders they see, without being
        # accountants.
        return self.sudo().cc_cod_move_id.line_ids.filtered(
            lambda line: line.debit and line.account_type == "asset_receivable" and not line.reconciled
        )

    def action_cc_collect_cod(self):
        self.ensure_one()
        return self._cc_wizard_action("click_collect.cod.collect",
                                      self.env._("Collect the cash of %(order)s", order=self.name))
