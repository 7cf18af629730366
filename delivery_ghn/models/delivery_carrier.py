import logging
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.delivery_courier_base.tools.courier import CourierError, call_in_parallel

from ..tools import ghn

_logger = logging.getLogger(__name__)

# GHN's status calls made at once when polling (one call per shipment): 10,000 open shipments
# take about 10,000 x 0.2 s / 8 = 4 minutes at GHN's usual 0.2 s per call
POLL_WORKERS = 8
# GHN status -> carrier state (OCA delivery_state)
GHN_STATUSES = {
    "ready_to_pick": "shipping_recorded_in_carrier",
    "picking": "shipping_recorded_in_carrier",
    "money_collect_picking": "shipping_recorded_in_carrier",
    "picked": "in_transit",
    "storing": "in_transit",
    "transporting": "in_transit",
    "sorting": "in_transit",
    "delivering": "in_transit",
    "money_collect_delivering": "in_transit",
    "delivered": "customer_delivered",
    "delivery_fail": "incident",
    "waiting_to_return": "incident",
    "return": "incident",
    "return_transporting": "incident",
    "return_sorting": "incident",
    "returning": "incident",
    "return_fail": "incident",
    "returned": "warehouse_delivered",
    "exception": "incident",
    "damage": "incident",
    "lost": "incident",
    "cancel": "canceled_shipment",
}


class DeliveryCarrier(models.Model):
    """GHN (Giao Hang Nhanh): rates, shipments with cash on delivery, labels, tracking (one
    call per shipment), status callbacks as GHN posts them, and the cash it has paid out."""

    _inherit = "delivery.carrier"

    delivery_type = fields.Selection(
        selection_add=[("ghn", "GHN (Giao Hang Nhanh)")], ondelete={"ghn": "set default"},
    )
    ghn_token = fields.Char(string="GHN Token", groups="base.group_system", copy=False)
    ghn_shop_id = fields.Char(string="GHN Shop ID", groups="base.group_system", copy=False)
    ghn_service_type_id = fields.Selection(
        [("2", "Light goods (e-commerce)"), ("5", "Heavy goods")], string="GHN Service", default="2",
    )
    ghn_required_note = fields.Selection(
        [("KHONGCHOXEMHANG", "The customer may not look at the goods"),
         ("CHOXEMHANGKHONGTHU", "The customer may look, not try"),
         ("CHOTHUHANG", "The customer may try the goods")],
        string="GHN Delivery Note", default="KHONGCHOXEMHANG",
    )

    # ---- the connector's hooks (see delivery_courier_base), not callable over RPC

    @api.private
    def ghn_courier_client(self):
        # called as superuser (delivery_courier_base's _courier_client): the credentials and
        # the service URL are the administrators'
        url = self.courier_endpoint_url or (ghn.PROD_URL if self.prod_environment else ghn.TEST_URL)
        return ghn.GhnClient(self.ghn_token, self.ghn_shop_id, base_url=url,
                             timeout=self.courier_timeout, retries=self.courier_retries)

    @api.private
    def ghn_courier_ping(self, client):
        return client.ping()

    @api.private
    def ghn_tracking_states(self):
        return GHN_STATUSES

    @api.private
    def ghn_fetch_tracking(self, shipments, statuses, errors):
        """GHN answers one shipment per call: the calls go POLL_WORKERS at a time. A shipment
        it refuses is an error of its own; a network error or a 5xx (after the transport's
        retries) stops the calls not started yet and fails the run: the statuses got are kept,
        the shipments left are asked next time."""
        client = self._courier_call(self._courier_client)
        refs = {picking: picking.carrier_tracking_ref for picking in shipments}
        answers = call_in_parallel(client.order_detail, set(refs.values()), POLL_WORKERS)
        stop = None
        for picking, ref in refs.items():
            answer = answers.get(ref)
            if answer is None:
                continue  # not asked: GHN was down
            if not isinstance(answer, CourierError):
                statuses[picking] = answer.get("status")
            elif answer.retryable:
                stop = stop or answer
            else:
                _logger.warning("Tracking %s of %s failed: %s", ref, self.name, answer)
                errors[picking] = str(answer)
        if stop:
            raise self._courier_user_error(stop)

    @api.private
    def ghn_read_callback(self, data):
        """What a status callback of GHN says, in GHN's own shape (``OrderCode``, ``Status``,
        ``Type``, ``Time``, ``CODAmount``, ``CODTransferDate``): ``tracking_ref``, ``status``,
        ``identity`` (what makes the event unique) and ``paid_out`` ((amount, payout date) of
        the cash GHN paid out, or None); None when it names no shipment or no status."""
        if not all(isinstance(data.get(key), str) and data[key].strip() for key in ("OrderCode", "Status")):
            return None
        return {
            "tracking_ref": data["OrderCode"],
            "status": data["Status"],
            "identity": [data.get(name, "") for name in ("OrderCode", "Status", "Type", "Time")],
            "paid_out": (data.get("CODAmount"), data["CODTransferDate"]) if data.get("CODTransferDate") else None,
        }

    @api.private
    def ghn_cod_paid_out(self, client, picking):
        """(amount collected, payout date) when GHN has paid out the shipment's cash, else None
        (``is_cod_transferred``, ``cod_transfer_date`` of ``shipping-order/detail``)."""
        detail = client.order_detail(picking.carrier_tracking_ref)
        if detail.get("is_cod_transferred") or detail.get("cod_transfer_date"):
            return detail.get("cod_amount"), detail.get("cod_transfer_date")
        return None

    @api.private
    def ghn_courier_currency(self):
        """GHN counts in VND."""
        return self.env.ref("base.VND", raise_if_not_found=False)

    # ---- Odoo's carrier methods

    @api.depends("delivery_type")
    def _compute_can_generate_return(self):
        """Override of `delivery`: GHN carries a return from the customer back to the store
        (``ghn_get_return_label``)."""
        res = super()._compute_can_generate_return()
        for carrier in self.filtered(lambda carrier: carrier.delivery_type == "ghn"):
            carrier.can_generate_return = True
        return res

    @api.model
    def _ghn_address(self, partner, phone=None):
        """``partner`` as GHN's sender or recipient of an order (the ``from_`` or ``to_`` fields,
        without their prefix)."""
        return {
            "name": partner.name or "", "phone": phone or partner.phone or "", "address": partner.street or "",
            "ward_name": partner.street2 or "", "district_name": partner.city or "",
            "province_name": partner.state_id.name or partner.city or "",
        }

    def _ghn_payload(self, picking, back=False, cod=0.0, reference=None):
        """GHN's order (``shipping-order/create``) for the goods of ``picking``, paid by the
        shop: from the store that ships it to its customer, with ``cod`` (in the currency of the
        sale) to collect; or back (``back``), from the customer (GHN picks the parcel up there,
        not at the shop's address) to the store. ``reference``: the shop's code of the order
        (default: the picking's name)."""
        order = picking.sale_id
        currency = order.currency_id or picking.company_id.currency_id
        vnd = self.env.ref("base.VND", raise_if_not_found=False) or currency
        store = self._ghn_address(picking._courier_store_partner(), phone=picking._courier_store_phone())
        customer = self._ghn_address(picking.partner_id)
        sender, recipient = (customer, store) if back else (store, customer)
        return {
            "payment_type_id": 1,
            "required_note": self.ghn_required_note or "KHONGCHOXEMHANG",
            "client_order_code": reference or picking.name,
            **{f"from_{key}": value for key, value in sender.items()},
            **{f"to_{key}": value for key, value in recipient.items()},
            "cod_amount": round(self._courier_convert(cod, currency, vnd, picking.company_id)),
            "content": order.name or picking.name,
            "weight": self._courier_weight_grams(picking.move_ids),
            "length": 20, "width": 20, "height": 10,
            "service_type_id": int(self.ghn_service_type_id or 2),
            "items": [{"name": move.product_id.display_name, "code": move.product_id.default_code or "",
                       "quantity": int(move.product_uom_qty) or 1} for move in picking.move_ids],
        }

    def _ghn_fetch_label(self, client, picking, code, name):
        """Keep the label of GHN's order ``code`` on ``picking``, as ``name``. The order exists
        whatever happens: a label GHN does not give is said on the picking, to be printed again.

        :return: the label's attachment (none when GHN gave no label)
        """
        try:
            content, mimetype = client.label([code])
        except CourierError as error:
            picking.message_post(body=self.env._("The label of %(code)s could not be fetched: %(error)s",
                                                 code=code, error=str(error)))
            return self.env["ir.attachment"]
        return picking._courier_attach_label(name, content, mimetype)

    def ghn_rate_shipment(self, order):
        client = self._courier_call(self._courier_client)
        payload = {
            "service_type_id": int(self.ghn_service_type_id or 2),
            "to_district_name": order.partner_shipping_id.city or "",
            "weight": self._courier_weight_grams(order.order_line.filtered(lambda line: not line.is_delivery)),
            "insurance_value": 0,
            "cod_amount": 0,
        }
        try:
            data = client.fee(payload)
        except CourierError as error:
            return {"success": False, "price": 0.0, "error_message": str(error), "warning_message": False}
        vnd = self.env.ref("base.VND", raise_if_not_found=False) or order.currency_id
        price = self._courier_convert(float(data.get("total", 0)), vnd, order.currency_id, order.company_id)
        return {"success": True, "price": price, "error_message": False, "warning_message": False}

    def ghn_send_shipping(self, pickings):
        client = self._courier_call(self._courier_client)
        results = []
        for picking in pickings:
            payload = self._ghn_payload(picking, cod=picking._courier_cod_amount())
            data = self._courier_call(client.create_order, payload)
            code = data["order_code"]
            self._ghn_fetch_label(client, picking, code, f"GHN-{code}.pdf")
            if self.return_label_on_delivery:
                self.get_return_label(picking, tracking_number=code)
            vnd = self.env.ref("base.VND", raise_if_not_found=False) or picking.company_id.currency_id
            currency = picking.sale_id.currency_id or picking.company_id.currency_id
            price = self._courier_convert(float(data.get("total_fee") or 0), vnd, currency, picking.company_id)
            results.append({"exact_price": price, "tracking_number": code})
        return results

    def ghn_get_tracking_link(self, picking):
        return f"https://donhang.ghn.vn/?order_code={picking.carrier_tracking_ref}"

    def ghn_cancel_shipment(self, pickings):
        client = self._courier_call(self._courier_client)
        codes = [code for code in pickings.mapped("carrier_tracking_ref") if code]
        result = self._courier_call(client.cancel, codes) or []
        refused = [row.get("order_code") for row in result if not row.get("result")]
        if refused:
            raise UserError(self.env._("GHN refused to cancel %(codes)s.", codes=", ".join(refused)))
        pickings.write({"carrier_tracking_ref": False})

    def ghn_tracking_state_update(self, picking):
        """Ask GHN where the shipment is (OCA delivery_state's hook)."""
        return self._courier_tracking_state_update(picking)

    @api.private
    def ghn_print_label(self, picking):
        content, mimetype = self._courier_call(self._courier_client().label, [picking.carrier_tracking_ref])
        return picking._courier_attach_label(f"GHN-{picking.carrier_tracking_ref}.pdf", content, mimetype)

    @api.private
    def ghn_get_return_label(self, pickings, tracking_number=None, origin_date=None):
        """The return label of each delivery (``stock_delivery``'s ``get_return_label``): a GHN
        order back from the delivery's customer to the store that shipped it, paid by the shop,
        nothing to collect, its label kept on the delivery (``return_label_ids``).

        :return: [{"tracking_number": GHN's order code, "attachment": its label}], one per picking
        :raise UserError: GHN refused or failed the order
        """
        client = self._courier_call(self._courier_client)
        results = []
        for picking in pickings:
            # GHN wants a code of the shop's own per order: a delivery returned twice has two, and
            # a booking whose transaction was rolled back leaves its code used at GHN
            reference = f"{picking.name}-R{secrets.token_hex(3).upper()}"
            payload = self._ghn_payload(picking, back=True, reference=reference)
            code = self._courier_call(client.create_order, payload)["order_code"]
            label = self._ghn_fetch_label(client, picking, code, f"{self.get_return_label_prefix()}-{code}.pdf")
            results.append({"tracking_number": code, "attachment": label})
        pickings.invalidate_recordset(["return_label_ids"])  # with the new labels
        return results
