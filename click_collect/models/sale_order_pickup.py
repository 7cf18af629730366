import secrets

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

# The content of the QR code the customer shows at the counter (ready message, tracking page):
# the order number and its pickup code, e.g. "CC:S00047:482913".
QR_PREFIX = "CC:"


class SaleOrder(models.Model):
    """The pickup code of a Click & Collect order and its hand-over at the counter.

    The customer receives the code in the "ready for pickup" message (and its QR code on the
    tracking page); no user reads it.
    """

    _inherit = "sale.order"

    cc_pickup_code = fields.Char(
        string="Pickup Code", copy=False, readonly=True, groups=fields.NO_ACCESS, prefetch=False,
        help="The short code the customer of a Click & Collect order gives at the counter. It is "
             "in the customer's \"ready for pickup\" message and on the tracking page the customer "
             "opens with its link; no user reads it (only the flow, as superuser, compares it).",
    )
    def _cc_ensure_pickup_code(self):
        """Give every web order entering the flow the token of its tracking link, and every
        Click & Collect order without one its pickup code: six random digits."""
        self._cc_ensure_tracking_token()
        # sudo: the code is for the customer only; no user reads nor writes it (NO_ACCESS),
        # the flow sets it when the order enters the flow or becomes a Click & Collect order.
        for order in self.sudo().filtered(lambda o: o.cc_fulfilment == "pickup" and not o.cc_pickup_code):
            order.cc_pickup_code = f"{secrets.randbelow(10 ** 6):06d}"

    def _cc_pickup_qr_content(self):
        """What the customer's QR code holds: ``CC:<order number>:<pickup code>`` (for the flow,
        as superuser, and the customer's tracking page; nothing for anyone else)."""
        self.ensure_one()
        if not self.env.su or not self.cc_pickup_code:
            return False
        return f"{QR_PREFIX}{self.name}:{self.cc_pickup_code}"

    def _cc_guard_pickup_code(self):
        """Where the store asks for it, the code typed at the counter (context ``cc_pickup_code``)
        must be the order's pickup code."""
        from odoo.tools import consteq

        typed = (self.env.context.get("cc_pickup_code") or "").strip()
        reasons = {}
        # sudo: staff may not read the codes they ask for; only the comparison is made here.
        for order in self.sudo():
            if not order.cc_store_id.cc_require_pickup_code:
                continue
            if not typed:
                reasons[order.sudo(False)] = self.env._("%(store)s asks for the customer's pickup code.",
                                               store=order.cc_store_id.name)
            elif not order.cc_pickup_code or not consteq(order.cc_pickup_code, typed):
                reasons[order.sudo(False)] = self.env._("the pickup code %(code)s is wrong.", code=typed)
        return reasons

    def _cc_hand_over(self, pickup_code=None, *, channel="backoffice", store=None, pos_config=None):
        """Hand a ready Click & Collect order over, checking the customer's pickup code.

        The door decides (guards ``paid`` and ``pickup_code``). A wrong or missing code is not
        raised: the attempt is kept on the timeline and in the chatter, and its reason returned.
        Any other refusal raises, as the door does.

        :return: (events, error message or None)
        """
        self.ensure_one()
        order = self.with_context(cc_pickup_code=pickup_code or "")
        try:
            events = order._cc_transition("collected", channel=channel, store=store, pos_config=pos_config)
        except UserError as error:
            # The door refuses before it writes anything: nothing to undo here. Only a wrong or
            # missing code, on an order this user may move, is kept as an attempt.
            if not self.has_access("write") or not order._cc_guard_pickup_code():
                raise
            message = error.args[0]
            self._cc_log_refusal("collected", message, channel=channel, store=store, pos_config=pos_config)
            return self.env["click_collect.event"], message
        return events, None

    def _cc_log_refusal(self, target, reason, *, channel, store=None, pos_config=None):
        """Keep a refused attempt on the timeline (an event marked refused) and in the chatter."""
        self.ensure_one()
        # sudo: the timeline is append-only for everyone; the user acted on this order.
        event = self.env["click_collect.event"].sudo().create({
            "order_id": self.id,
            "from_state": self.cc_state or False,
            "to_state": target,
            "user_id": self.env.uid,
            "store_id": (store or self.cc_store_id).id,
            "pos_config_id": pos_config.id if pos_config else False,
            "channel": channel,
            "note": reason,
            "refused": True,
        })
        self._message_log(body=Markup("<b>%s</b><br/>%s") % (self.env._("Refused"), reason),
                          author_id=self.env.user.partner_id.id)
        return event

    def action_cc_hand_over(self, pickup_code=None, pos_config_id=None):
        """Hand the order over at a counter (POS or back office), checking its pickup code.

        Public: the point of sale calls it. A wrong code is refused and kept on the timeline.

        :param str pickup_code: the code the customer gave
        :param int pos_config_id: the point of sale acting, if any (channel "pos")
        :return: ``{"ok": bool, "message": str}``
        """
        self.ensure_one()
        pos_config = self.env["pos.config"].browse(pos_config_id).exists() if pos_config_id else None
        store = pos_config.picking_type_id.warehouse_id if pos_config else None
        _events, error = self._cc_hand_over(
            pickup_code, channel="pos" if pos_config else "backoffice", store=store or None,
            pos_config=pos_config,
        )
        if error:
            return {"ok": False, "message": error}
        return {"ok": True, "message": self.env._("%(order)s is now collected.", order=self.name)}
