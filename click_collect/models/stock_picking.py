import logging

from odoo import fields, models
from odoo.exceptions import UserError

from .delivery_carrier import DELIVERY_STATES, FLOW_TARGETS

_logger = logging.getLogger(__name__)


class StockPicking(models.Model):
    _inherit = "stock.picking"

    cc_delivery_state = fields.Selection(
        DELIVERY_STATES, string="Carrier Tracking", copy=False, readonly=True, index="btree_not_null",
        help="Where the courier says the shipment is (OCA delivery_state vocabulary).",
    )
    cc_carrier_status = fields.Char(string="Carrier Status", copy=False, readonly=True)
    cc_carrier_has_connector = fields.Boolean(related="carrier_id.cc_has_connector")
    cc_carrier_status_date = fields.Datetime(string="Carrier Status Date", copy=False, readonly=True)
    cc_cod_amount = fields.Monetary(
        string="Cash to Collect", copy=False, readonly=True, currency_field="cc_currency_id",
        help="What the courier collects from the customer on delivery.",
    )
    cc_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    cc_tracking_error = fields.Text(
        string="Tracking Error", copy=False, readonly=True,
        help="Why the last status request to the courier failed; it is asked again at the next "
             "run of the tracking job, and this is cleared once the courier answers.",
    )
    cc_tracking_error_date = fields.Datetime(string="Tracking Error On", copy=False, readonly=True)
    cc_tracking_manual = fields.Boolean(
        string="Tracking Set by Hand", copy=False,
        help="A person changed the shipment's state: the courier's updates no longer move it, "
             "until automatic tracking is resumed.",
    )

    def _action_done(self):
        """The flow of a Click & Collect order follows its goods: sent from the source
        warehouse, it is in transit; received at the store, it is ready for pickup."""
        res = super()._action_done()
        # sudo: whoever moved the goods (a source warehouse's staff, who may not read the order
        # of another store) moves the order on; the timeline still names that person.
        orders = self.sudo().sale_id.filtered(
            lambda o: o.cc_fulfilment == "pickup" and o.cc_state in ("preparing", "in_transit")
        )
        if orders:
            orders._cc_sync_with_stock(channel=self.sale_id._cc_context_channel())
        return res

    def _send_confirmation_email(self):
        """The customers of web orders hear from the flow's own messages (collected, shipped),
        never from Odoo's "has been shipped" email and SMS of a validated delivery. Deliveries of
        other sales orders keep Odoo's behaviour."""
        # sudo: the staff of a source warehouse may not read the web order its goods serve
        web = self.filtered(lambda p: p.sudo().sale_id.cc_fulfilment)
        res = super(StockPicking, self - web)._send_confirmation_email()
        if web:
            # skip_sms: stock_sms's text; cc_skip_delivery_email: stock's email (see below).
            super(StockPicking, web.with_context(skip_sms=True, cc_skip_delivery_email=True))._send_confirmation_email()
        return res

    def message_post_with_source(self, source_ref, **kwargs):
        if self.env.context.get("cc_skip_delivery_email"):
            template = self._get_source_from_ref(source_ref)[0]
            if template and template == self.company_id.stock_mail_confirmation_template_id:
                return self.env["mail.message"]
        return super().message_post_with_source(source_ref, **kwargs)

    def _add_delivery_cost_to_so(self):
        """A web order's shipping was charged by the web shop: the courier's cost is not added."""
        if self.sale_id.cc_fulfilment:
            return None
        return super()._add_delivery_cost_to_so()

    # ------------------------------------------------------------------ labels

    def _cc_labels(self):
        self.ensure_one()
        return self.env["ir.attachment"].search([
            ("res_model", "=", self._name), ("res_id", "=", self.id),
            ("name", "=like", f"%-{self.carrier_tracking_ref}.%"),
        ], order="id desc") if self.carrier_tracking_ref else self.env["ir.attachment"]

    def action_cc_print_label(self):
        """Print the shipment's label again: the stored one, or the carrier's copy of it; never
        a new shipment."""
        self.ensure_one()
        labels = self._cc_labels()
        reprint = self.carrier_id._cc_connector_hook("print_label")
        if not labels and self.carrier_tracking_ref and reprint:
            labels = reprint(self)
        if not labels:
            raise UserError(self.env._("%(picking)s has no shipping label.", picking=self.name))
        label = labels.filtered(lambda a: a.mimetype == "application/pdf")[:1] or labels[:1]
        return {"type": "ir.actions.act_url", "url": f"/web/content/{label.id}?download=true", "target": "new"}

    # ------------------------------------------------------------------ tracking

    def _cc_apply_carrier_status(self, status, channel="webhook"):
        """The courier says where the shipment is: record it and move the order on.

        :return: True when the tracking changed
        """
        self.ensure_one()
        return bool(self._cc_apply_carrier_statuses({self: status}, channel=channel))

    def _cc_apply_carrier_statuses(self, statuses, channel="webhook"):
        """What the courier says of several shipments ({picking: status}): shipments with the
        same status are written together and their orders move together, one transition per
        step for all of them.

        :return: the pickings whose tracking changed
        """
        groups = {}
        for picking, status in statuses.items():
            table = picking.carrier_id._cc_tracking_states()
            if not status or status not in table:
                if status:
                    _logger.info("%s: unknown status %r of %s", picking.carrier_id.name, status,
                                 picking.carrier_tracking_ref)
                continue
            if picking.cc_tracking_manual:
                _logger.info("%s: %s set by hand, carrier status %s not applied", picking.name,
                             picking.carrier_tracking_ref, status)
                continue
            if status == picking.cc_carrier_status:
                continue
            key = (picking.carrier_id, status)
            groups[key] = groups.get(key, self.browse()) | picking
        changed = self.browse()
        now = fields.Datetime.now()
        for (carrier, status), pickings in groups.items():
            tracking_state = carrier._cc_tracking_states()[status]
            target = FLOW_TARGETS.get(tracking_state)
            pickings.write(self._cc_carrier_tracking_values(status, tracking_state, now))
            changed |= pickings
            orders = pickings.sale_id.filtered(lambda o: o.cc_fulfilment == "ship")
            if target and orders:
                notes = {picking.sale_id.id: self.env._("%(carrier)s: %(status)s (%(ref)s)", carrier=carrier.name,
                                                        status=status, ref=picking.carrier_tracking_ref)
                         for picking in pickings}
                # sudo: the courier (webhook, polling job) moves the orders, not a user.
                orders.sudo()._cc_follow_carrier(target, channel=channel, note=notes)
        return changed

    def _cc_carrier_tracking_values(self, status, tracking_state, when):
        """What is written on shipments when their courier reports ``status`` (a word of the
        courier), ``tracking_state`` (a tracking state of DELIVERY_STATES) at ``when``. Addons add
        their fields (click_collect_delivery_state: OCA's ``delivery_state``); the key
        ``cc_carrier_status`` is always there: it says that the flow moves the orders itself."""
        return {"cc_carrier_status": status, "cc_delivery_state": tracking_state, "cc_carrier_status_date": when}

    def cancel_shipment(self):
        """Override of `stock_delivery`: a shipment cancelled at its carrier is over for the
        flow's tracking too (it is no longer polled, its state says why)."""
        # sudo: whoever cancels (a warehouse user) may not read the web order the delivery serves
        web = self.filtered(lambda p: p.sudo().sale_id.cc_fulfilment)
        res = super().cancel_shipment()
        web.write({"cc_delivery_state": "canceled_shipment"})
        return res

    def action_cc_resume_tracking(self):
        """Let the courier's updates move the shipment again."""
        self.write({"cc_tracking_manual": False, "cc_carrier_status": False})
        return True
