import base64
import csv
import io

from odoo import api, fields, models
from odoo.exceptions import UserError


class ClickCollectCodImport(models.TransientModel):
    """Import a courier's remittance statement (CSV) with the courier's column mapping."""

    _name = "click_collect.cod.import"
    _description = "Import a Cash-on-Delivery Remittance"

    carrier_id = fields.Many2one("delivery.carrier", string="Courier", required=True,
                                 domain="[('allow_cash_on_delivery', '=', True)]")
    name = fields.Char(string="Statement Reference", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    journal_id = fields.Many2one("account.journal", string="Received In", required=True,
                                 compute="_compute_journal_id", store=True, readonly=False, precompute=True,
                                 domain="[('type', '=', 'bank')]")
    file = fields.Binary(string="CSV File", required=True)
    filename = fields.Char()

    @api.depends("carrier_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = wizard.journal_id or self.env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1)

    def _parse(self):
        """The CSV's lines as dicts (tracking_ref, order_ref, amount, fee); clear errors."""
        carrier = self.carrier_id
        columns = {
            "tracking_ref": carrier.cc_cod_csv_tracking, "order_ref": carrier.cc_cod_csv_order,
            "amount": carrier.cc_cod_csv_amount, "fee": carrier.cc_cod_csv_fee,
        }
        try:
            text = base64.b64decode(self.file).decode("utf-8-sig")
        except (ValueError, UnicodeDecodeError):
            raise UserError(self.env._("The file is not a UTF-8 CSV file.")) from None
        reader = csv.DictReader(io.StringIO(text), delimiter=carrier.cc_cod_csv_delimiter or ",")
        header = set(reader.fieldnames or [])
        if columns["amount"] not in header or not ({columns["tracking_ref"], columns["order_ref"]} & header):
            raise UserError(self.env._(
                "The file's columns are %(found)s; %(carrier)s's statements need %(amount)s and "
                "%(tracking)s or %(order)s (see the courier's Cash on Delivery settings).",
                found=", ".join(sorted(header)) or self.env._("none"), carrier=carrier.name, amount=columns["amount"],
                tracking=columns["tracking_ref"], order=columns["order_ref"],
            ))
        rows = []
        for number, row in enumerate(reader, start=2):
            values = {}
            for key in ("tracking_ref", "order_ref"):
                values[key] = (row.get(columns[key]) or "").strip() or False
            for key in ("amount", "fee"):
                raw = (row.get(columns[key]) or "").strip().replace(" ", "")
                try:
                    values[key] = float(raw.replace(",", ".")) if raw else 0.0
                except ValueError:
                    raise UserError(self.env._("Line %(number)s: %(value)r is not an amount.", number=number,
                                      value=raw)) from None
            if not values["tracking_ref"] and not values["order_ref"]:
                raise UserError(self.env._("Line %(number)s has neither a tracking nor an order number.",
                                           number=number))
            rows.append(values)
        if not rows:
            raise UserError(self.env._("The file has no line."))
        return rows

    def action_import(self):
        """Create the statement; the same statement imported again changes nothing."""
        self.ensure_one()
        self.env["click_collect.cod.statement"]._check_reconciler()
        Statement = self.env["click_collect.cod.statement"]
        existing = Statement.search([("carrier_id", "=", self.carrier_id.id), ("name", "=", self.name.strip())])
        statement = existing or Statement.create({
            "name": self.name.strip(),
            "carrier_id": self.carrier_id.id,
            "date": self.date,
            "journal_id": self.journal_id.id,
            "line_ids": [fields.Command.create({"sequence": index, **row})
                         for index, row in enumerate(self._parse())],
        })
        return {
            "type": "ir.actions.act_window",
            "res_model": statement._name,
            "res_id": statement.id,
            "view_mode": "form",
            "target": "current",
            "context": {"cc_already_imported": bool(existing)},
        }


class ClickCollectCodCollect(models.TransientModel):
    """Collect the cash of one order by hand: a one-line remittance, reconciled at once."""

    _name = "click_collect.cod.collect"
    _inherit = ["click_collect.order.wizard"]
    _description = "Collect Cash on Delivery"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    carrier_id = fields.Many2one("delivery.carrier", compute="_compute_carrier_id")
    amount = fields.Monetary(string="Collected", required=True, compute="_compute_amount", store=True,
                             readonly=False, precompute=True)
    fee = fields.Monetary()
    reference = fields.Char(required=True, help="The courier's remittance or transfer reference.")
    date = fields.Date(required=True, default=fields.Date.context_today)
    journal_id = fields.Many2one("account.journal", string="Received In", required=True,
                                 default=lambda self: self.env["account.journal"].search(
                                     [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1),
                                 domain="[('type', '=', 'bank')]")

    @api.depends("order_id")
    def _compute_carrier_id(self):
        for wizard in self:
            wizard.carrier_id = wizard.order_id._cc_courier() if wizard.order_id else False

    @api.depends("order_id")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = sum(wizard.order_id._cc_cod_receivable_lines().mapped("amount_residual"))

    def action_collect(self):
        self.ensure_one()
        Statement = self.env["click_collect.cod.statement"]
        Statement._check_reconciler()
        order = self.order_id
        if Statement.search_count([("carrier_id", "=", self.carrier_id.id), ("name", "=", self.reference.strip())]):
            raise UserError(self.env._("%(carrier)s's remittance %(ref)s was recorded already.",
                              carrier=self.carrier_id.name, ref=self.reference))
        statement = Statement.create({
            "name": self.reference.strip(), "carrier_id": self.carrier_id.id, "date": self.date,
            "journal_id": self.journal_id.id,
            "line_ids": [fields.Command.create({
                "tracking_ref": order.cc_tracking_ref, "order_ref": order.name, "order_id": order.id,
                "amount": self.amount, "fee": self.fee,
            })],
        })
        statement.action_reconcile()
        if statement.line_ids.state != "reconciled":
            raise UserError(statement.line_ids.note or self.env._("The cash of %(order)s could not be collected.",
                                                         order=order.name))
        return {"type": "ir.actions.act_window_close"}
