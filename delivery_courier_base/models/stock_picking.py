import base64

from odoo import api, fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _courier_attach_label(self, name, content, mimetype):
        """Keep a carrier's label on the delivery (an attachment named after its tracking
        number)."""
        self.ensure_one()
        return self.env["ir.attachment"].create({
            "name": name,
            "datas": base64.b64encode(content),
            "mimetype": mimetype,
            "res_model": self._name,
            "res_id": self.id,
        })

    def _courier_store_partner(self):
        """The address of the store that ships this delivery (and takes its returns back): its
        warehouse's, else its company's."""
        self.ensure_one()
        return self.picking_type_id.warehouse_id.partner_id or self.company_id.partner_id

    def _courier_store_phone(self):
        """The phone of the store that ships this delivery: its own, else its company's (a
        carrier calls the store when it brings a parcel back)."""
        self.ensure_one()
        return self._courier_store_partner().phone or self.company_id.phone or ""

    def _courier_cod_amount(self):
        """The cash the carrier collects from the customer at delivery, in the currency of the
        sale (0.0: none): Odoo's own cash on delivery, what the sale's pending cash-on-delivery
        transactions say, collected with the sale's first shipment. Addons that sell otherwise
        say it their way."""
        self.ensure_one()
        # sudo: whoever ships (a warehouse user) may not read the sale's payments; only their
        # cash-on-delivery total is used, sent to the carrier
        sale = self.sudo().sale_id
        shipped_before = sale.picking_ids.filtered(
            lambda p: p != self and p.picking_type_code == "outgoing" and p.carrier_tracking_ref
        )
        if not sale or shipped_before:
            return 0.0
        transactions = sale.transaction_ids.filtered(
            lambda tx: tx.state == "pending" and tx.provider_id.custom_mode == "cash_on_delivery"
        )
        return sum(transactions.mapped("amount"))

    def _courier_record_tracking(self, status, states):
        """What the carrier says of this shipment: its own word (``tracking_state``) and the
        carrier state it means (``delivery_state``, by ``states``: {status: carrier state}).

        :return: whether the shipment's tracking changed
        """
        self.ensure_one()
        if not status or status == self.tracking_state:
            return False
        state = states.get(status)
        if state == self.delivery_state:
            state = None
        self.write(self._courier_tracking_values(status, state, fields.Datetime.now()))
        return True

    @api.model
    def _courier_tracking_values(self, status, state, when):
        """What is written on shipments whose carrier says ``status`` (its own word), meaning
        the carrier state ``state`` (None: the carrier state stays), at ``when``."""
        values = {"tracking_state": status}
        if state:
            values["delivery_state"] = state
            if state == "customer_delivered":
                values["date_delivered"] = when
        return values
