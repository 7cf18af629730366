from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import const


class ClickCollectReturn(models.Model):
    """Returns sent back by courier with the courier's own return label (Odoo's return labels of
    ``delivery.carrier``: ``can_generate_return``, ``get_return_label``)."""

    _inherit = "click_collect.return"

    label_id = fields.Many2one(
        "ir.attachment", string="Return Label", readonly=True, copy=False,
        help="The courier's label the customer sticks on the parcel sent back to the store.",
    )
    label_file = fields.Binary(related="label_id.datas", string="Label File")
    label_name = fields.Char(related="label_id.name", string="Label File Name")
    cc_can_book_label = fields.Boolean(
        string="Can Book a Return Label", compute="_compute_cc_can_book_label",
        help="The order was shipped by a courier whose connector makes return labels.",
    )

    @api.depends("state", "label_id", "order_id")
    def _compute_cc_can_book_label(self):
        for ret in self:
            ret.cc_can_book_label = ret.state == "requested" and not ret.label_id and bool(ret._cc_label_delivery())

    def _cc_label_delivery(self):
        """The order's last delivery done by a carrier that makes return labels (Odoo's
        ``can_generate_return``), whose courier takes the parcel back."""
        self.ensure_one()
        # sudo: the deliveries and carriers of the shipping store, for whoever sees the return
        deliveries = self.sudo().order_id.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done" and p.carrier_id.can_generate_return
            and p.location_dest_id.usage == "customer"
        )
        return deliveries.sorted(lambda p: (p.date_done, p.id))[-1:]

    def action_cc_book_return_label(self):
        """Back office: book the courier's label of a return announced by the customer, and
        download it (to send the customer)."""
        self.ensure_one()
        self.check_access("read")
        user = self.env.user
        if not self.env.su and not user.has_group(const.MANAGER) and self.store_id - user.cc_store_ids:
            raise UserError(self.env._("Only a clerk of %(store)s, where the parcel comes back, books its label.",
                                       store=self.store_id.name))
        self._cc_book_return_label()
        return {"type": "ir.actions.act_url", "url": f"/web/content/{self.label_id.id}?download=true",
                "target": "new"}

    def _cc_book_return_label(self, channel="backoffice"):
        """Book the return shipment with the courier that delivered the order (the caller
        checked who may): the label is kept on the return, its courier and tracking number
        (which the return screen scans) too, and the order's timeline says so.

        :raise UserError: the return waits for no parcel, the order was not shipped by a
            courier that makes return labels, the parcel would go to another store, or the
            courier refused (its message)
        :return: the label (ir.attachment)
        """
        self.ensure_one()
        # sudo: the flow's record and the order's deliveries (see _cc_label_delivery)
        ret = self.sudo()
        order = ret.order_id
        if ret.state != "requested":
            raise UserError(self.env._("%(ret)s waits for no parcel: a return label is for goods still to come back.",
                                       ret=ret.name))
        if ret.label_id:
            return ret.label_id
        delivery = ret._cc_label_delivery()
        if not delivery:
            raise UserError(self.env._(
                "%(order)s was not delivered by a courier that makes return labels: the customer sends the "
                "parcel their own way and gives its tracking number.", order=order.name))
        shipper = delivery.picking_type_id.warehouse_id
        if shipper != ret.store_id:
            raise UserError(self.env._(
                "The return label of %(order)s sends the parcel to %(shipper)s, which shipped it: announce the "
                "return to %(shipper)s, not %(store)s.", order=order.name, shipper=shipper.name,
                store=ret.store_id.name))
        carrier = delivery.carrier_id
        booked = carrier.get_return_label(delivery)
        if not booked or not booked[0]["attachment"]:
            raise UserError(self.env._("%(courier)s made no return label for %(order)s: try again in a moment.",
                                       courier=carrier.name, order=order.name))
        label = booked[0]["attachment"][:1].copy({"res_model": ret._name, "res_id": ret.id})
        ret.write({"label_id": label.id, "courier_name": carrier.name, "tracking_ref": booked[0]["tracking_number"]})
        order._cc_log_return_event(ret, self.env._(
            "Return label of %(ret)s booked with %(courier)s, tracking number %(tracking)s.",
            ret=ret.name, courier=carrier.name, tracking=ret.tracking_ref), channel=channel)
        return label
