import base64

from odoo import fields, models


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

    def _courier_cod_amount(self):
        """The cash the carrier collects from the customer at delivery, in the currency of the
        sale (0.0: none): Odoo's own cash on delivery, what the sale's pending cash-on-delivery
        transactions say. Addons that sell otherwise say it their way."""
        self.ensure_one()
        transactions = self.sale_id.transaction_ids.filtered(
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
        values = {"tracking_state": status}
        state = states.get(status)
        if state and state != self.delivery_state:
            values["delivery_state"] = state
            if state == "customer_delivered":
                values["date_delivered"] = fields.Datetime.now()
        self.write(values)
        return True
