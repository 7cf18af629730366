import logging
from datetime import UTC, datetime

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import dhl, ghn
from ..tools.access import check_system_fields
from ..tools.courier import CourierError

_logger = logging.getLogger(__name__)

# Tracking vocabulary of OCA delivery_state (stock.picking.delivery_state), so that both can live
# together; "incidence" is a delivery that failed.
DELIVERY_STATES = [
    ("shipping_recorded_in_carrier", "Shipping recorded in carrier"),
    ("in_transit", "In transit"),
    ("canceled_shipment", "Canceled shipment"),
    ("incidence", "Incidence"),
    ("customer_delivered", "Delivered to the customer"),
    ("warehouse_delivered", "Returned to the warehouse"),
]
FINAL_DELIVERY_STATES = ("canceled_shipment", "customer_delivered", "warehouse_delivered")

# Carrier status -> (tracking state, flow state the order moves to, or None)
GHN_STATUSES = {
    "ready_to_pick": ("shipping_recorded_in_carrier", None),
    "picking": ("shipping_recorded_in_carrier", None),
    "money_collect_picking": ("shipping_recorded_in_carrier", None),
    "picked": ("in_transit", "shipped"),
    "storing": ("in_transit", "shipped"),
    "transporting": ("in_transit", "shipped"),
    "sorting": ("in_transit", "shipped"),
    "delivering": ("in_transit", "shipped"),
    "money_collect_delivering": ("in_transit", "shipped"),
    "delivered": ("customer_delivered", "delivered"),
    "delivery_fail": ("incidence", "failed"),
    "waiting_to_return": ("incidence", "failed"),
    "return": ("incidence", "failed"),
    "return_transporting": ("incidence", "failed"),
    "return_sorting": ("incidence", "failed"),
    "returning": ("incidence", "failed"),
    "return_fail": ("incidence", "failed"),
    "returned": ("warehouse_delivered", "returned"),
    "exception": ("incidence", "failed"),
    "damage": ("incidence", "failed"),
    "lost": ("incidence", "failed"),
    "cancel": ("canceled_shipment", None),
}
# DHL Express checkpoint (event) codes -> (tracking state, flow state)
DHL_EVENTS = {
    "SD": ("shipping_recorded_in_carrier", None),  # shipment data received
    "PU": ("in_transit", "shipped"),  # shipment picked up
    "PL": ("in_transit", "shipped"),  # processed at location
    "DF": ("in_transit", "shipped"),  # departed facility
    "AF": ("in_transit", "shipped"),  # arrived facility
    "AR": ("in_transit", "shipped"),  # arrival in delivery facility
    "WC": ("in_transit", "shipped"),  # with delivery courier
    "OK": ("customer_delivered", "delivered"),  # delivered
    "NH": ("incidence", "failed"),  # not home
    "BA": ("incidence", "failed"),  # bad address
    "RD": ("incidence", "failed"),  # refused delivery
    "RT": ("warehouse_delivered", "returned"),  # returned to shipper
    "CA": ("canceled_shipment", None),  # shipment cancelled
}


# URLs the courier's credentials are sent to: set by system administrators only
CREDENTIAL_URL_FIELDS = ("cc_endpoint_url",)


def _payout_date(value):
    """The date of a courier's payout ("2026-11-20T09:44:09.556Z"); today when it gives none."""
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).astimezone(UTC).date()
        except ValueError:
            _logger.warning("Unreadable payout date %r: counted as today", value[:40])
    return fields.Date.today()


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    delivery_type = fields.Selection(
        selection_add=[("cc_ghn", "GHN (Giao Hang Nhanh)"), ("cc_dhl", "DHL Express (SOAP)")],
        ondelete={"cc_ghn": "set default", "cc_dhl": "set default"},
    )
    cc_endpoint_url = fields.Char(
        string="Service URL", copy=False,
        help="Leave empty to use the carrier's test or production service (the Environment "
             "switch); set it to reach the service through a proxy or another address. The "
             "courier's credentials are sent there: administrators set it.",
    )
    cc_timeout = fields.Float(string="Timeout (Seconds)", default=15.0)
    cc_retries = fields.Integer(string="Retries", default=2,
                                help="Further attempts after a network error or a 5xx answer.")
    cc_webhook_secret = fields.Char(
        string="Webhook Token", groups="base.group_system", copy=False,
        help="The carrier sends it in the X-Webhook-Token header of its status callbacks.",
    )
    cc_webhook_hmac_secret = fields.Char(
        string="Webhook Signing Key", groups="base.group_system", copy=False,
        help="When set, status callbacks must also carry X-Webhook-Timestamp and "
             "X-Webhook-Signature, the HMAC-SHA256 of '<timestamp>.<body>' with this key.",
    )
    cc_webhook_url = fields.Char(string="Webhook URL", compute="_compute_cc_webhook_url")
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
    # GHN
    cc_ghn_token = fields.Char(string="GHN Token", groups="base.group_system", copy=False)
    cc_ghn_shop_id = fields.Char(string="GHN Shop ID", groups="base.group_system", copy=False)
    cc_ghn_service_type_id = fields.Selection(
        [("2", "Light goods (e-commerce)"), ("5", "Heavy goods")], string="GHN Service", default="2",
    )
    cc_ghn_required_note = fields.Selection(
        [("KHONGCHOXEMHANG", "The customer may not look at the goods"),
         ("CHOXEMHANGKHONGTHU", "The customer may look, not try"),
         ("CHOTHUHANG", "The customer may try the goods")],
        string="GHN Delivery Note", default="KHONGCHOXEMHANG",
    )
    # DHL Express
    cc_dhl_username = fields.Char(string="DHL User Name", groups="base.group_system", copy=False)
    cc_dhl_password = fields.Char(string="DHL Password", groups="base.group_system", copy=False)
    cc_dhl_account = fields.Char(string="DHL Account Number", groups="base.group_system", copy=False)
    cc_dhl_service_type = fields.Char(string="DHL Product Code", default="N",
                                      help="DHL Express global product code (N: domestic express, P: worldwide).")
    cc_dhl_label_format = fields.Selection([("PDF", "PDF"), ("ZPL", "ZPL (thermal printer)")],
                                           string="DHL Label Format", default="PDF")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("cc_endpoint_url"):
                check_system_fields(self, vals, CREDENTIAL_URL_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_system_fields(self, vals, CREDENTIAL_URL_FIELDS)
        return super().write(vals)

    @api.constrains("delivery_type", "allow_cash_on_delivery")
    def _check_cc_cash_on_delivery(self):
        for carrier in self:
            if carrier.delivery_type == "cc_dhl" and carrier.allow_cash_on_delivery:
                raise ValidationError(self.env._("DHL Express does not collect cash on delivery for this connector."))

    def _compute_cc_webhook_url(self):
        for carrier in self:
            carrier.cc_webhook_url = (
                f"{carrier.get_base_url()}/click_collect/courier/{carrier.id}/webhook"
                if carrier.id and carrier.delivery_type == "cc_ghn" else False
            )

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

    # ------------------------------------------------------------------ transport

    def _cc_client(self):
        """The transport client of this carrier (plain Python, no ORM)."""
        self.ensure_one()
        # sudo: credentials are readable by administrators only; the client uses them to act
        # on behalf of whoever ships, tracks or prints.
        carrier = self.sudo()
        if carrier.delivery_type == "cc_ghn":
            url = carrier.cc_endpoint_url or (ghn.PROD_URL if carrier.prod_environment else ghn.TEST_URL)
            return ghn.GhnClient(carrier.cc_ghn_token, carrier.cc_ghn_shop_id, base_url=url,
                                 timeout=carrier.cc_timeout, retries=carrier.cc_retries)
        if carrier.delivery_type == "cc_dhl":
            url = carrier.cc_endpoint_url or (dhl.PROD_URL if carrier.prod_environment else dhl.TEST_URL)
            return dhl.DhlClient(carrier.cc_dhl_username, carrier.cc_dhl_password, carrier.cc_dhl_account,
                                 endpoint=url, timeout=carrier.cc_timeout, retries=carrier.cc_retries)
        raise UserError(self.env._("%(carrier)s has no connector.", carrier=self.name))

    def _cc_call(self, func, *args, **kwargs):
        """Call the carrier; its errors become messages a person can act on."""
        try:
            return func(*args, **kwargs)
        except CourierError as error:
            _logger.info("%s: %s", self.name, error)
            raise UserError(self.env._("%(carrier)s: %(error)s", carrier=self.name, error=str(error))) from None

    def action_cc_test_connection(self):
        self.ensure_one()
        client = self._cc_call(self._cc_client)
        if self.delivery_type == "cc_ghn":
            self._cc_call(client.ping)
        else:
            self._cc_call(client.track, ["0000000000"])
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "title": self.name,
                       "message": self.env._("The connection works."), "sticky": False},
        }

    # ------------------------------------------------------------------ helpers

    def _cc_weight_grams(self, moves_or_lines):
        weight = 0.0
        for record in moves_or_lines:
            product = record.product_id
            qty = record.product_uom_qty if "product_uom_qty" in record._fields else 1.0
            weight += (product.weight or 0.0) * qty
        return max(round(weight * 1000), 100)

    def _cc_cod_amount(self, picking):
        order = picking.sale_id
        if order.cc_payment_method != "cod":
            return 0.0
        return max(order.amount_total - order.cc_amount_paid, 0.0)

    def _cc_vnd(self, amount, from_currency, to_currency, company):
        """GHN works in VND."""
        if not from_currency or from_currency == to_currency:
            return amount
        return from_currency._convert(amount, to_currency, company, fields.Date.context_today(self))

    # ------------------------------------------------------------------ GHN

    def _cc_ghn_payload(self, picking):
        partner = picking.partner_id
        order = picking.sale_id
        store = picking.picking_type_id.warehouse_id.partner_id or picking.company_id.partner_id
        currency = order.currency_id or picking.company_id.currency_id
        vnd = self.env.ref("base.VND", raise_if_not_found=False) or currency
        cod = self._cc_cod_amount(picking)
        return {
            "payment_type_id": 1,
            "required_note": self.cc_ghn_required_note or "KHONGCHOXEMHANG",
            "client_order_code": picking.name,
            "from_name": store.name, "from_phone": store.phone or "", "from_address": store.street or "",
            "from_district_name": store.city or "", "from_province_name": store.state_id.name or "",
            "to_name": partner.name, "to_phone": partner.phone or "", "to_address": partner.street or "",
            "to_ward_name": partner.street2 or "", "to_district_name": partner.city or "",
            "to_province_name": partner.state_id.name or partner.city or "",
            "cod_amount": round(self._cc_vnd(cod, currency, vnd, picking.company_id)),
            "content": order.name or picking.name,
            "weight": self._cc_weight_grams(picking.move_ids),
            "length": 20, "width": 20, "height": 10,
            "service_type_id": int(self.cc_ghn_service_type_id or 2),
            "items": [{"name": move.product_id.display_name, "code": move.product_id.default_code or "",
                       "quantity": int(move.product_uom_qty) or 1} for move in picking.move_ids],
        }

    def cc_ghn_rate_shipment(self, order):
        client = self._cc_call(self._cc_client)
        payload = {
            "service_type_id": int(self.cc_ghn_service_type_id or 2),
            "to_district_name": order.partner_shipping_id.city or "",
            "weight": self._cc_weight_grams(order.order_line.filtered(lambda line: not line.is_delivery)),
            "insurance_value": 0,
            "cod_amount": 0,
        }
        try:
            data = client.fee(payload)
        except CourierError as error:
            return {"success": False, "price": 0.0, "error_message": str(error), "warning_message": False}
        vnd = self.env.ref("base.VND", raise_if_not_found=False) or order.currency_id
        price = self._cc_vnd(float(data.get("total", 0)), vnd, order.currency_id, order.company_id)
        return {"success": True, "price": price, "error_message": False, "warning_message": False}

    def cc_ghn_send_shipping(self, pickings):
        client = self._cc_call(self._cc_client)
        results = []
        for picking in pickings:
            data = self._cc_call(client.create_order, self._cc_ghn_payload(picking))
            code = data["order_code"]
            try:
                content, mimetype = client.label([code])
                picking._cc_attach_label(f"GHN-{code}.pdf", content, mimetype)
            except CourierError as error:
                # The shipment exists: keep it, and say that the label is to be printed again.
                picking.message_post(body=self.env._("The label of %(code)s could not be fetched: %(error)s",
                                            code=code, error=str(error)))
            vnd = self.env.ref("base.VND", raise_if_not_found=False) or picking.company_id.currency_id
            currency = picking.sale_id.currency_id or picking.company_id.currency_id
            price = self._cc_vnd(float(data.get("total_fee") or 0), vnd, currency, picking.company_id)
            results.append({"exact_price": price, "tracking_number": code})
        return results

    def cc_ghn_get_tracking_link(self, picking):
        return f"https://donhang.ghn.vn/?order_code={picking.carrier_tracking_ref}"

    def cc_ghn_cancel_shipment(self, pickings):
        client = self._cc_call(self._cc_client)
        codes = [code for code in pickings.mapped("carrier_tracking_ref") if code]
        result = self._cc_call(client.cancel, codes) or []
        refused = [row.get("order_code") for row in result if not row.get("result")]
        if refused:
            raise UserError(self.env._("GHN refused to cancel %(codes)s.", codes=", ".join(refused)))
        pickings.write({"carrier_tracking_ref": False, "cc_delivery_state": "canceled_shipment"})

    def cc_ghn_tracking_state_update(self, picking):
        """Poll one GHN shipment (OCA delivery_state's hook name)."""
        data = self._cc_call(self._cc_client().order_detail, picking.carrier_tracking_ref)
        return picking._cc_apply_carrier_status(data.get("status"), channel="cron")

    def cc_ghn_print_label(self, picking):
        content, mimetype = self._cc_call(self._cc_client().label, [picking.carrier_tracking_ref])
        return picking._cc_attach_label(f"GHN-{picking.carrier_tracking_ref}.pdf", content, mimetype)

    # ------------------------------------------------------------------ DHL Express

    def _cc_dhl_party(self, partner):
        return {
            "Contact": {"PersonName": partner.name or "", "CompanyName": partner.commercial_company_name
                        or partner.name or "", "PhoneNumber": partner.phone or "0",
                        "EmailAddress": partner.email or None},
            "Address": {"StreetLines": partner.street or "", "City": partner.city or "",
                        "PostalCode": partner.zip or "", "CountryCode": partner.country_id.code or ""},
        }

    def _cc_dhl_packages(self, records):
        return {"RequestedPackages": [{
            "number": 1, "Weight": self._cc_weight_grams(records) / 1000.0,
            "Dimensions": {"Length": 30, "Width": 20, "Height": 15},
            "CustomerReferences": None,
        }]}

    def _cc_dhl_timestamp(self):
        return fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%S GMT+00:00")

    def cc_dhl_rate_shipment(self, order):
        # sudo (here and in cc_dhl_send_shipping): the account number is readable by
        # administrators only; it goes to DHL, never to the user
        warehouse = order.warehouse_id.partner_id or order.company_id.partner_id
        request = {
            "DropOffType": "REGULAR_PICKUP", "ShipTimestamp": self._cc_dhl_timestamp(),
            "UnitOfMeasurement": "SI", "Content": "NON_DOCUMENTS", "PaymentInfo": "DAP",
            "Account": self.sudo().cc_dhl_account,
            "Ship": {"Shipper": self._cc_dhl_party(warehouse),
                     "Recipient": self._cc_dhl_party(order.partner_shipping_id)},
            "Packages": self._cc_dhl_packages(order.order_line.filtered(lambda line: not line.is_delivery)),
        }
        try:
            rate = self._cc_client().rate(request)
        except CourierError as error:
            return {"success": False, "price": 0.0, "error_message": str(error), "warning_message": False}
        currency = self.env["res.currency"].search([("name", "=", rate["currency"])], limit=1) or order.currency_id
        price = currency._convert(rate["amount"], order.currency_id, order.company_id, fields.Date.context_today(self))
        return {"success": True, "price": price, "error_message": False, "warning_message": False}

    def cc_dhl_send_shipping(self, pickings):
        client = self._cc_call(self._cc_client)
        results = []
        for picking in pickings:
            shipper = picking.picking_type_id.warehouse_id.partner_id or picking.company_id.partner_id
            request = {
                "ShipmentInfo": {
                    "DropOffType": "REGULAR_PICKUP", "ServiceType": self.cc_dhl_service_type or "N",
                    "Account": self.sudo().cc_dhl_account, "Currency": picking.company_id.currency_id.name,
                    "UnitOfMeasurement": "SI", "LabelType": self.cc_dhl_label_format or "PDF",
                },
                "ShipTimestamp": self._cc_dhl_timestamp(), "PaymentInfo": "DAP",
                "Ship": {"Shipper": self._cc_dhl_party(shipper), "Recipient": self._cc_dhl_party(picking.partner_id)},
                "Packages": self._cc_dhl_packages(picking.move_ids),
            }
            data = self._cc_call(client.create_shipment, request)
            waybill = data["tracking_number"]
            for label_format, content in data["labels"]:
                is_zpl = label_format.upper().startswith("ZPL")
                picking._cc_attach_label(f"DHL-{waybill}.{'zpl' if is_zpl else 'pdf'}", content,
                                         "text/plain" if is_zpl else "application/pdf")
            results.append({"exact_price": 0.0, "tracking_number": waybill})
        return results

    def cc_dhl_get_tracking_link(self, picking):
        return f"https://www.dhl.com/en/express/tracking.html?AWB={picking.carrier_tracking_ref}&brand=DHL"

    def cc_dhl_cancel_shipment(self, pickings):
        client = self._cc_call(self._cc_client)
        for picking in pickings.filtered("carrier_tracking_ref"):
            country = (picking.picking_type_id.warehouse_id.partner_id or picking.company_id.partner_id).country_id
            self._cc_call(client.delete_shipment, picking.carrier_tracking_ref,
                          fields.Date.to_string(fields.Date.context_today(self)), country.code or "",
                          self.env.user.name)
        pickings.write({"carrier_tracking_ref": False, "cc_delivery_state": "canceled_shipment"})

    def cc_dhl_tracking_state_update(self, picking):
        """Poll one DHL Express shipment (OCA delivery_state's hook name)."""
        events = self._cc_call(self._cc_client().track, [picking.carrier_tracking_ref])
        codes = events.get(picking.carrier_tracking_ref) or []
        return picking._cc_apply_carrier_status(codes[-1] if codes else None, channel="cron")

    # ------------------------------------------------------------------ COD remittances

    def _cc_fetches_remittances(self):
        """Whether the courier says which cash it has paid out: GHN does, shipment by shipment
        (``is_cod_transferred``, ``cod_transfer_date`` of ``shipping-order/detail``, and
        ``CODTransferDate`` of its callbacks)."""
        self.ensure_one()
        return self.delivery_type == "cc_ghn" and self.allow_cash_on_delivery

    @api.model
    def _cc_cron_fetch_remittances(self, batch_size=200):
        """Scheduled job: ask the couriers that report their remittances which shipments awaiting
        their cash they have paid out, and reconcile them, in batches."""
        carriers = self.search([("delivery_type", "=", "cc_ghn"), ("allow_cash_on_delivery", "=", True)])
        for carrier in carriers:
            # None: the courier cannot be reached, the next run asks again
            self._cc_shipments_in_batches(carrier._cc_awaiting_cod_shipments_domain(), batch_size,
                                          lambda batch, c=carrier: c._cc_fetch_remittances(batch) is not None)

    @api.model
    def _cc_shipments_in_batches(self, domain, batch_size, process):
        """Run ``process`` on the shipments of ``domain``, a batch at a time, committed after
        each (with the job's progress); stop when it returns False."""
        Picking = self.env["stock.picking"]
        remaining = Picking.search_count(domain)
        last_id = 0
        while True:
            batch = Picking.search([*domain, ("id", ">", last_id)], order="id", limit=batch_size)
            if not batch:
                break
            last_id = batch[-1].id
            if process(batch) is False:
                break
            remaining -= len(batch)
            self.env["ir.cron"]._commit_progress(len(batch), remaining=max(remaining, 0))

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
        action = self.env["ir.actions.act_window"]._for_xml_id("click_collect.action_cod_statements")
        action["domain"] = [("id", "in", statements.ids)]
        if not statements:
            action = {
                "type": "ir.actions.client", "tag": "display_notification",
                "params": {"type": "info", "sticky": False, "title": ", ".join(self.mapped("name")),
                           "message": self.env._("The courier has paid out no new cash on delivery.")},
            }
        return action

    def _cc_fetch_remittances(self, shipments, raise_on_error=False):
        """Ask the courier, shipment by shipment (GHN answers one per call), whether it has paid
        out the cash it collected; what it paid out becomes remittance lines, reconciled.

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
            client = self._cc_client()
            for picking in shipments:
                try:
                    detail = client.order_detail(picking.carrier_tracking_ref)
                except CourierError as error:
                    if error.retryable:
                        raise
                    _logger.warning("Remittance of %s at %s not read: %s", picking.carrier_tracking_ref,
                                    self.name, error)
                    continue
                if detail.get("is_cod_transferred") or detail.get("cod_transfer_date"):
                    transfers.append((picking, detail.get("cod_amount"), detail.get("cod_transfer_date")))
        except CourierError as error:
            if raise_on_error:
                raise UserError(self.env._("%(carrier)s: %(error)s", carrier=self.name, error=str(error))) from None
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
        vnd = self.env.ref("base.VND", raise_if_not_found=False) or currency
        by_date = {}
        for picking, reported, when in transfers:
            order = picking.sale_id
            expected = sum(order._cc_cod_receivable_lines().mapped("amount_residual"))
            try:
                collected = float(reported)
            except (TypeError, ValueError):
                collected = None
            # The courier counts in VND: what it collected is what was asked when it equals the
            # rounded VND amount sent with the shipment; else the converted amount shows the gap.
            if collected is None or round(self._cc_vnd(expected, currency, vnd, company)) == round(collected):
                amount = expected
            else:
                amount = self._cc_vnd(collected, vnd, currency, company)
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

    # ------------------------------------------------------------------ status sync

    def _cc_status_table(self):
        return {"cc_ghn": GHN_STATUSES, "cc_dhl": DHL_EVENTS}.get(self.delivery_type, {})

    @api.model
    def _cc_open_shipments_domain(self):
        return [
            ("carrier_id.delivery_type", "in", ("cc_ghn", "cc_dhl")),
            ("state", "=", "done"),
            ("carrier_tracking_ref", "!=", False),
            ("picking_type_code", "=", "outgoing"),
            ("cc_tracking_manual", "=", False),
            ("cc_delivery_state", "not in", FINAL_DELIVERY_STATES),
        ]

    @api.model
    def _cc_cron_poll_shipments(self, batch_size=200):
        """Fetch the status of every open shipment of the connected carriers, in batches."""
        self._cc_shipments_in_batches(self._cc_open_shipments_domain(), batch_size, self._cc_poll)

    @api.model
    def _cc_poll(self, pickings):
        """Poll the given shipments: one call per batch where the carrier takes several (DHL),
        one per shipment where it does not (GHN). A carrier that fails is retried next run; the
        failure is kept on the shipments (Tracking Error) until a poll gets their status.

        :return: the pickings whose tracking changed
        """
        changed = self.env["stock.picking"]
        for carrier, shipments in pickings.grouped("carrier_id").items():
            statuses, errors = {}, {}
            try:
                client = carrier._cc_client()
                if carrier.delivery_type == "cc_dhl":
                    events = client.track(shipments.mapped("carrier_tracking_ref"))
                    statuses = {p: (events.get(p.carrier_tracking_ref) or [None])[-1] for p in shipments}
                else:
                    for picking in shipments:  # GHN answers one shipment per call
                        try:
                            statuses[picking] = client.order_detail(picking.carrier_tracking_ref).get("status")
                        except CourierError as error:
                            if error.retryable:
                                raise
                            _logger.warning("Polling %s of %s failed: %s", picking.carrier_tracking_ref,
                                            carrier.name, error)
                            errors[picking] = str(error)
            except CourierError as error:
                _logger.warning("Polling %s failed, to be retried: %s", carrier.name, error)
                errors.update({picking: str(error) for picking in shipments if picking not in statuses})
            changed |= self._cc_apply_polled(statuses, errors)
            self._cc_record_tracking_errors(shipments, errors)
        return changed

    @api.model
    def _cc_apply_polled(self, statuses, errors):
        """Apply polled statuses ({picking: status}) all together; when that fails, one shipment
        at a time, so that one shipment that cannot move stops none (the next run retries it;
        its error is added to ``errors``).

        :return: the pickings whose tracking changed
        """
        Picking = self.env["stock.picking"]
        try:
            with self.env.cr.savepoint():
                return Picking._cc_apply_carrier_statuses(statuses, channel="cron")
        except Exception as error:  # replayed shipment by shipment below
            if len(statuses) == 1:
                picking, status = next(iter(statuses.items()))
                _logger.warning("Status %s of %s not applied: %s", status, picking.carrier_tracking_ref, error)
                errors[picking] = str(error)
                return Picking
        changed = Picking
        for picking, status in statuses.items():
            changed |= self._cc_apply_polled({picking: status}, errors)
        return changed

    @api.model
    def _cc_record_tracking_errors(self, shipments, errors):
        """Keep the last polling error of each shipment; clear it once its status came."""
        now = fields.Datetime.now()
        for picking, error in errors.items():
            picking.write({"cc_tracking_error": error[:1000], "cc_tracking_error_date": now})
        cleared = shipments.filtered(lambda p: p.cc_tracking_error and p not in errors)
        if cleared:
            cleared.write({"cc_tracking_error": False, "cc_tracking_error_date": False})
