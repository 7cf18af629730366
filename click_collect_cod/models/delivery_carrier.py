import logging
from datetime import UTC, datetime

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.delivery_courier_base.tools.courier import CourierError

_logger = logging.getLogger(__name__)


def _payout_date(value):
    """The date of a courier's payout ("2026-11-20T09:44:09.556Z"); today when it gives none."""
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).astimezone(UTC).date()
        except ValueError:
            _logger.warning("Unreadable payout date %r: counted as today", value[:40])
    return fields.Date.today()


class DeliveryCarrier(models.Model):
    """Couriers that collect cash on delivery: their remittances, fetched from those that
    report them (see click_collect.cod.statement for imported statements)."""

    _inherit = "delivery.carrier"

    cc_fetches_remittances = fields.Boolean(string="Reports Its Remittances",
                                            compute="_compute_cc_fetches_remittances")
    cc_partner_id = fields.Many2one(
        "res.partner", string="Remitting Partner", check_company=True,
        help="The courier as a partner: it owes the cash it collects on delivery until its "
             "remittance is reconciled (created from the courier's name when empty).",
    )
    cc_cod_fee_account_id = fields.Many2one(
        "account.account", string="Fee Account", check_company=True,
        help="Where the courier's fees on remittances are booked (by default the expense account "
             "of the courier's product).",
    )
    cc_cod_journal_id = fields.Many2one(
        "account.journal", string="Remittances Received In", check_company=True,
        domain="[('type', '=', 'bank')]",
        help="The bank journal the courier pays its remittances into. Remittances fetched from "
             "the courier are booked there (by default the company's first bank journal).",
    )
    cc_cod_csv_tracking = fields.Char(string="Tracking Number Column", default="tracking_number")
    cc_cod_csv_order = fields.Char(string="Order Number Column", default="order_number")
    cc_cod_csv_amount = fields.Char(string="Amount Collected Column", default="cod_amount")
    cc_cod_csv_fee = fields.Char(string="Fee Column", default="fee")
    cc_cod_csv_delimiter = fields.Char(string="Column Separator", default=",", size=1)

    @api.depends("delivery_type")
    def _compute_cc_fetches_remittances(self):
        for carrier in self:
            carrier.cc_fetches_remittances = bool(carrier._courier_hook("cod_paid_out"))

    def _cc_remitting_partner(self):
        """The courier's partner (created at first need)."""
        self.ensure_one()
        if not self.cc_partner_id:
            # sudo: the courier's partner is accounting data made once for the courier record.
            self.sudo().cc_partner_id = self.env["res.partner"].sudo().create({
                "name": self.name, "is_company": True, "company_id": self.company_id.id or False,
            })
        return self.cc_partner_id

    def _cc_fee_account(self):
        self.ensure_one()
        account = self.cc_cod_fee_account_id or self.product_id.product_tmpl_id._get_product_accounts()["expense"]
        if not account:
            raise UserError(self.env._("%(carrier)s needs a fee account for its remittances.", carrier=self.name))
        return account

    def _cc_fetches_remittances(self):
        """Whether the courier says which cash it has paid out (its connector's ``cod_paid_out``)
        and collects cash on delivery."""
        self.ensure_one()
        return bool(self._courier_hook("cod_paid_out")) and self.allow_cash_on_delivery

    @api.model
    def _cc_cron_fetch_remittances(self, batch_size=200):
        """Scheduled job: ask the couriers that report their remittances which shipments awaiting
        their cash they have paid out, and reconcile them, in batches."""
        carriers = self.search([
            ("delivery_type", "in", self._courier_types("cod_paid_out")), ("allow_cash_on_delivery", "=", True),
        ])
        for carrier in carriers:
            # None: the courier cannot be reached, the next run asks again
            self._cc_shipments_in_batches(carrier._cc_awaiting_cod_shipments_domain(), batch_size,
                                          lambda batch, c=carrier: c._cc_fetch_remittances(batch) is not None)

    def _cc_awaiting_cod_shipments_domain(self):
        self.ensure_one()
        return [
            ("carrier_id", "=", self.id),
            ("sale_id.cc_state", "=", "awaiting_cod"),
            ("state", "=", "done"),
            ("picking_type_code", "=", "outgoing"),
            ("carrier_tracking_ref", "!=", False),
        ]

    def action_cc_fetch_remittances(self):
        """Ask the courier now which cash it has paid out (a web-order manager or accountant)."""
        self.env["click_collect.cod.statement"]._check_reconciler()
        statements = self.env["click_collect.cod.statement"]
        for carrier in self:
            if not carrier._cc_fetches_remittances():
                raise UserError(self.env._("%(carrier)s does not report its remittances: import its statements.",
                                           carrier=carrier.name))
            shipments = self.env["stock.picking"].search(carrier._cc_awaiting_cod_shipments_domain())
            result = carrier._cc_fetch_remittances(shipments, raise_on_error=True)
            statements |= result
        action = self.env["ir.actions.act_window"]._for_xml_id("click_collect_cod.action_cod_statements")
        action["domain"] = [("id", "in", statements.ids)]
        if not statements:
            action = {
                "type": "ir.actions.client", "tag": "display_notification",
                "params": {"type": "info", "sticky": False, "title": ", ".join(self.mapped("name")),
                           "message": self.env._("The courier has paid out no new cash on delivery.")},
            }
        return action

    def _cc_fetch_remittances(self, shipments, raise_on_error=False):
        """Ask the courier, shipment by shipment, whether it has paid out the cash it collected;
        what it paid out becomes remittance lines, reconciled.

        :return: the statements that got lines, or None when the courier could not be reached
        """
        self.ensure_one()
        listed = set(self.env["click_collect.cod.statement.line"].search([
            ("statement_id.carrier_id", "=", self.id),
            ("tracking_ref", "in", shipments.mapped("carrier_tracking_ref")),
        ]).mapped("tracking_ref"))
        shipments = shipments.filtered(lambda p: p.carrier_tracking_ref not in listed)
        transfers = []
        try:
            client = self._courier_client()
            paid_out = self._courier_hook("cod_paid_out")
            for picking in shipments:
                try:
                    payout = paid_out(client, picking)
                except CourierError as error:
                    if error.retryable:
                        raise
                    _logger.warning("Remittance of %s at %s not read: %s", picking.carrier_tracking_ref,
                                    self.name, error)
                    continue
                if payout:
                    transfers.append((picking, *payout))
        except CourierError as error:
            if raise_on_error:
                raise self._courier_user_error(error) from None
            _logger.warning("Fetching the remittances of %s failed, to be retried: %s", self.name, error)
            if not transfers:
                return None
        return self._cc_record_remittances(transfers)

    def _cc_record_remittances(self, transfers):
        """Remittance lines for shipments the courier paid out, one statement per courier and
        payout date (reference "<courier> <date>"), then matched and booked as any statement.

        :param transfers: [(picking, amount collected in the courier's currency, payout date
                          as the courier wrote it)]
        :return: the statements that got lines
        """
        self.ensure_one()
        Statement = self.env["click_collect.cod.statement"]
        if not transfers:
            return Statement
        company = self.company_id or self.env.company
        currency = company.currency_id
        courier_currency = self._courier_currency() or currency
        by_date = {}
        for picking, reported, when in transfers:
            order = picking.sale_id
            expected = sum(order._cc_cod_receivable_lines().mapped("amount_residual"))
            try:
                collected = float(reported)
            except (TypeError, ValueError):
                collected = None
            # The courier counts in its own currency: what it collected is what was asked when it
            # equals the rounded amount sent with the shipment; else the converted amount shows
            # the gap.
            if collected is None or round(self._courier_convert(expected, currency, courier_currency, company)) \
                    == round(collected):
                amount = expected
            else:
                amount = self._courier_convert(collected, courier_currency, currency, company)
            by_date.setdefault(_payout_date(when), []).append({
                "tracking_ref": picking.carrier_tracking_ref, "order_ref": order.name, "amount": amount,
                "order_id": order.id,
            })
        names = {date: f"{self.name} {date.isoformat()}" for date in by_date}
        existing = {s.name: s for s in Statement.search([("carrier_id", "=", self.id),
                                                         ("name", "in", list(names.values()))])}
        journal = self.cc_cod_journal_id or self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
        if not journal:
            raise UserError(self.env._("%(company)s has no bank journal to receive remittances in.",
                                       company=company.name))
        statements = Statement
        for date, lines in by_date.items():
            statement = existing.get(names[date])
            commands = [Command.create({"sequence": index, **line}) for index, line in enumerate(lines)]
            if statement:
                statement.line_ids = commands
            else:
                # sudo: remittances are accounting records; the door (the job, or a manager's
                # button checked by _check_reconciler) decided that they are made.
                statement = Statement.sudo().create({
                    "name": names[date], "carrier_id": self.id, "company_id": company.id, "date": date,
                    "journal_id": journal.id, "line_ids": commands,
                })
            statement.message_post(body=self.env._(
                "%(count)s shipments paid out by %(courier)s on %(date)s, read from the courier.",
                count=len(lines), courier=self.name, date=date))
            statement._cc_match()
            statement._cc_book()
            statements |= statement
        return statements
