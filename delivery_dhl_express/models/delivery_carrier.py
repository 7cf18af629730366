from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.delivery_courier_base.tools.courier import CourierError

from ..tools import dhl

# DHL Express checkpoint (event) codes -> carrier state (OCA delivery_state)
DHL_EVENTS = {
    "SD": "shipping_recorded_in_carrier",  # shipment data received
    "PU": "in_transit",  # shipment picked up
    "PL": "in_transit",  # processed at location
    "DF": "in_transit",  # departed facility
    "AF": "in_transit",  # arrived facility
    "AR": "in_transit",  # arrival in delivery facility
    "WC": "in_transit",  # with delivery courier
    "OK": "customer_delivered",  # delivered
    "NH": "incident",  # not home
    "BA": "incident",  # bad address
    "RD": "incident",  # refused delivery
    "RT": "warehouse_delivered",  # returned to shipper
    "CA": "canceled_shipment",  # shipment cancelled
}


class DeliveryCarrier(models.Model):
    """DHL Express (SOAP): rates, shipments, labels (PDF or ZPL), tracking (a batch of shipments
    per call)."""

    _inherit = "delivery.carrier"

    delivery_type = fields.Selection(
        selection_add=[("dhl_express", "DHL Express (SOAP)")], ondelete={"dhl_express": "set default"},
    )
    dhl_express_username = fields.Char(string="DHL User Name", groups="base.group_system", copy=False)
    dhl_express_password = fields.Char(string="DHL Password", groups="base.group_system", copy=False)
    dhl_express_account = fields.Char(string="DHL Account Number", groups="base.group_system", copy=False)
    dhl_express_service_type = fields.Char(string="DHL Product Code", default="N",
                                      help="DHL Express global product code (N: domestic express, P: worldwide).")
    dhl_express_label_format = fields.Selection([("PDF", "PDF"), ("ZPL", "ZPL (thermal printer)")],
                                           string="DHL Label Format", default="PDF")

    @api.constrains("delivery_type", "allow_cash_on_delivery")
    def _check_dhl_express_cash_on_delivery(self):
        for carrier in self:
            if carrier.delivery_type == "dhl_express" and carrier.allow_cash_on_delivery:
                raise ValidationError(self.env._("DHL Express does not collect cash on delivery for this connector."))

    # ---- the connector's hooks (see delivery_courier_base), not callable over RPC

    @api.private
    def dhl_express_courier_client(self):
        # called as superuser (delivery_courier_base's _courier_client): the credentials and
        # the service URL are the administrators'
        url = self.courier_endpoint_url or (dhl.PROD_URL if self.prod_environment else dhl.TEST_URL)
        return dhl.DhlClient(self.dhl_express_username, self.dhl_express_password, self.dhl_express_account,
                             endpoint=url, timeout=self.courier_timeout, retries=self.courier_retries)

    @api.private
    def dhl_express_courier_ping(self, client):
        return client.track(["0000000000"])

    @api.private
    def dhl_express_tracking_states(self):
        return DHL_EVENTS

    @api.private
    def dhl_express_fetch_tracking(self, shipments, statuses, errors):
        """DHL answers every shipment of the batch in one call: its last checkpoint each."""
        client = self._courier_call(self._courier_client)
        events = self._courier_call(client.track, shipments.mapped("carrier_tracking_ref"))
        statuses.update({p: (events.get(p.carrier_tracking_ref) or [None])[-1] for p in shipments})

    # ---- Odoo's carrier methods

    @api.depends("delivery_type")
    def _compute_can_generate_return(self):
        """Override of `delivery`: DHL Express carries a return from the customer back to the
        store (``dhl_express_get_return_label``)."""
        res = super()._compute_can_generate_return()
        for carrier in self.filtered(lambda carrier: carrier.delivery_type == "dhl_express"):
            carrier.can_generate_return = True
        return res

    def _dhl_express_party(self, partner, phone=None):
        return {
            "Contact": {"PersonName": partner.name or "", "CompanyName": partner.commercial_company_name
                        or partner.name or "", "PhoneNumber": phone or partner.phone or "0",
                        "EmailAddress": partner.email or None},
            "Address": {"StreetLines": partner.street or "", "City": partner.city or "",
                        "PostalCode": partner.zip or "", "CountryCode": partner.country_id.code or ""},
        }

    def _dhl_express_packages(self, records, reference=None):
        return {"RequestedPackages": [{
            "number": 1, "Weight": self._courier_weight_grams(records) / 1000.0,
            "Dimensions": {"Length": 30, "Width": 20, "Height": 15},
            "CustomerReferences": reference,
        }]}

    def _dhl_express_timestamp(self):
        return fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%S GMT+00:00")

    def dhl_express_rate_shipment(self, order):
        # sudo (here and in _dhl_express_shipment_request): the account number is readable by
        # administrators only; it goes to DHL, never to the user
        warehouse = order.warehouse_id.partner_id or order.company_id.partner_id
        request = {
            "DropOffType": "REGULAR_PICKUP", "ShipTimestamp": self._dhl_express_timestamp(),
            "UnitOfMeasurement": "SI", "Content": "NON_DOCUMENTS", "PaymentInfo": "DAP",
            "Account": self.sudo().dhl_express_account,
            "Ship": {"Shipper": self._dhl_express_party(warehouse),
                     "Recipient": self._dhl_express_party(order.partner_shipping_id)},
            "Packages": self._dhl_express_packages(order.order_line.filtered(lambda line: not line.is_delivery)),
        }
        try:
            rate = self._courier_client().rate(request)
        except CourierError as error:
            return {"success": False, "price": 0.0, "error_message": str(error), "warning_message": False}
        currency = self.env["res.currency"].search([("name", "=", rate["currency"])], limit=1) or order.currency_id
        price = currency._convert(rate["amount"], order.currency_id, order.company_id, fields.Date.context_today(self))
        return {"success": True, "price": price, "error_message": False, "warning_message": False}

    def _dhl_express_shipment_request(self, picking, back=False):
        """DHL's ShipmentRequest for the goods of ``picking``, labelled in the carrier's format:
        from the store that ships it to its customer; or back (``back``), from the customer to
        the store, billed to the account as the receiver's."""
        # sudo: see dhl_express_rate_shipment
        account = self.sudo().dhl_express_account
        store = self._dhl_express_party(picking._courier_store_partner(), phone=picking._courier_store_phone())
        customer = self._dhl_express_party(picking.partner_id)
        billing = {"ShipperAccountNumber": account, "ShippingPaymentType": "R", "BillingAccountNumber": account}
        return {
            "ShipmentInfo": {
                "DropOffType": "REGULAR_PICKUP", "ServiceType": self.dhl_express_service_type or "N",
                "Account": account, "Billing": billing if back else None,
                "Currency": picking.company_id.currency_id.name,
                "UnitOfMeasurement": "SI", "LabelType": self.dhl_express_label_format or "PDF",
            },
            "ShipTimestamp": self._dhl_express_timestamp(), "PaymentInfo": "DAP",
            "Ship": {"Shipper": customer if back else store, "Recipient": store if back else customer},
            "Packages": self._dhl_express_packages(picking.move_ids, reference=picking.name),
        }

    def _dhl_express_ship(self, client, picking, request, prefix):
        """Book ``request`` with DHL and keep its labels (PDF or ZPL) on ``picking``, named
        ``<prefix>-<waybill>``.

        :return: (the waybill, the labels' attachments)
        """
        data = self._courier_call(client.create_shipment, request)
        waybill = data["tracking_number"]
        labels = self.env["ir.attachment"]
        for label_format, content in data["labels"]:
            is_zpl = label_format.upper().startswith("ZPL")
            labels |= picking._courier_attach_label(f"{prefix}-{waybill}.{'zpl' if is_zpl else 'pdf'}", content,
                                                    "text/plain" if is_zpl else "application/pdf")
        return waybill, labels

    def dhl_express_send_shipping(self, pickings):
        client = self._courier_call(self._courier_client)
        results = []
        for picking in pickings:
            request = self._dhl_express_shipment_request(picking)
            waybill, _labels = self._dhl_express_ship(client, picking, request, "DHL")
            if self.return_label_on_delivery:
                self.get_return_label(picking, tracking_number=waybill)
            results.append({"exact_price": 0.0, "tracking_number": waybill})
        return results

    @api.private
    def dhl_express_get_return_label(self, pickings, tracking_number=None, origin_date=None):
        """The return label of each delivery (``stock_delivery``'s ``get_return_label``): a DHL
        shipment back from the delivery's customer (the shipper) to the store that shipped it
        (the recipient), billed to the carrier's account as the receiver's; its label (PDF or
        ZPL) kept on the delivery (``return_label_ids``).

        :return: [{"tracking_number": the waybill, "attachment": its label}], one per picking
        :raise UserError: DHL refused or failed the shipment
        """
        client = self._courier_call(self._courier_client)
        results = []
        for picking in pickings:
            request = self._dhl_express_shipment_request(picking, back=True)
            waybill, labels = self._dhl_express_ship(client, picking, request, self.get_return_label_prefix())
            results.append({"tracking_number": waybill, "attachment": labels})
        pickings.invalidate_recordset(["return_label_ids"])  # computed, not stored: with the new labels
        return results

    def dhl_express_get_tracking_link(self, picking):
        return f"https://www.dhl.com/en/express/tracking.html?AWB={picking.carrier_tracking_ref}&brand=DHL"

    def dhl_express_cancel_shipment(self, pickings):
        client = self._courier_call(self._courier_client)
        for picking in pickings.filtered("carrier_tracking_ref"):
            country = picking._courier_store_partner().country_id
            self._courier_call(client.delete_shipment, picking.carrier_tracking_ref,
                          fields.Date.to_string(fields.Date.context_today(self)), country.code or "",
                          self.env.user.name)
        pickings.write({"carrier_tracking_ref": False})

    def dhl_express_tracking_state_update(self, picking):
        """Ask DHL Express where the shipment is (OCA delivery_state's hook)."""
        return self._courier_tracking_state_update(picking)
