import re
import secrets
from contextlib import contextmanager

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, consteq

from .. import const

# Wrong pickup codes one order takes at the counter; then its hand-over by code is locked until
# a store manager unlocks it.
MAX_WRONG_PICKUP_CODES = 5
# The content of the QR code the customer shows at the counter (ready message, tracking page):
# the order number and its pickup code, which one scan reads, e.g. "CC:S00047:482913".
QR_PREFIX = "CC:"
QR_PATTERN = re.compile(r"CC:(?P<order>.+):(?P<code>\d+)")
# Key, in the transaction's cursor cache, of the orders whose pickup code was found right in
# this transaction (see SaleOrder._cc_pickup_code_given): no request, context or argument can
# set it; only the code checking the customer's code does, for the door's call that follows.
CODE_GIVEN = "click_collect.pickup_code_given"


class SaleOrder(models.Model):
    """The pickup code of a Click & Collect order and its hand-over at the counter.

    The customer receives the code in the "ready for pickup" message (and its QR code on the
    tracking page); no user reads it. Where the store asks for it, a hand-over (scan screen,
    hand-over screen, point of sale) first checks the code the customer gives
    (``_cc_check_pickup_code``): a wrong code is counted and kept on the timeline, and after
    MAX_WRONG_PICKUP_CODES wrong codes the order's hand-over by code is locked until a store
    manager unlocks it. Only then does the door's guard ``pickup_code`` let the order through.
    """

    _inherit = "sale.order"

    cc_pickup_code = fields.Char(
        string="Pickup Code", copy=False, readonly=True, groups=fields.NO_ACCESS, prefetch=False,
        help="The short code the customer of a Click & Collect order gives at the counter. It is "
             "in the customer's \"ready for pickup\" message and on the tracking page the customer "
             "opens with its link; no user reads it (only the flow, as superuser, compares it).",
    )
    cc_pickup_failures = fields.Integer(
        string="Wrong Pickup Codes", copy=False, readonly=True,
        help="Wrong pickup codes given at the counter since the order was last unlocked.",
    )
    cc_pickup_locked = fields.Boolean(
        string="Hand-Over Locked", compute="_compute_cc_pickup_locked",
        help="Too many wrong pickup codes: the order is not handed over by code until a store "
             "manager unlocks it.",
    )
    cc_pickup_code_required = fields.Boolean(
        related="cc_store_id.cc_require_pickup_code", string="Asks for the Pickup Code",
    )
    cc_shelf = fields.Char(
        string="Shelf / Bin", copy=False, tracking=True,
        help="Where the parcel waits at the counter: asked when the order becomes ready for pickup "
             "(optional); the store's staff change it while the order waits.",
    )

    def _cc_shelf_writable(self):
        """Whether the store's staff may say where these orders wait: Click & Collect orders
        still in the flow (record rules limit them to their stores' orders)."""
        return bool(self) and all(o.cc_fulfilment == "pickup" and o.cc_state not in const.FINAL_STATES for o in self)

    def _cc_put_on_shelf(self, shelf):
        """Say where these orders' parcels wait at the counter (nothing when ``shelf`` is empty)."""
        shelf = (shelf or "").strip()[:const.SHELF_SIZE]
        if shelf:
            self.write({"cc_shelf": shelf})

    @api.depends("cc_pickup_failures")
    def _compute_cc_pickup_locked(self):
        for order in self:
            order.cc_pickup_locked = order.cc_pickup_failures >= MAX_WRONG_PICKUP_CODES

    def _cc_ensure_pickup_code(self):
        """Give every web order entering the flow the token of its tracking link, and every
        Click & Collect order without one its pickup code: six random digits."""
        self._cc_ensure_tracking_token()
        # sudo: the code is for the customer only; no user reads nor writes it (NO_ACCESS),
        # the flow sets it when the order enters the flow or becomes a Click & Collect order.
        for order in self.sudo().filtered(lambda o: o.cc_fulfilment == "pickup" and not o.cc_pickup_code):
            order.cc_pickup_code = f"{secrets.randbelow(10 ** 6):06d}"

    # ------------------------------------------------------------------ the QR code

    def _cc_pickup_qr_content(self):
        """What the customer's QR code holds: ``CC:<order number>:<pickup code>`` (for the flow,
        as superuser, and the customer's tracking page; nothing for anyone else)."""
        self.ensure_one()
        if not self.env.su or not self.cc_pickup_code:
            return False
        return f"{QR_PREFIX}{self.name}:{self.cc_pickup_code}"

    @api.model
    def _cc_parse_scan(self, text):
        """What a scan screen read: ``(order number, pickup code or None)``. The customer's QR
        code gives both; an order number or its barcode gives the number alone."""
        text = (text or "").strip()
        match = QR_PATTERN.fullmatch(text)
        if match:
            return match["order"], match["code"]
        return text, None

    # ------------------------------------------------------------------ the door's guard

    def _cc_guard_pickup_code(self):
        """Where the store asks for it, the customer's pickup code must have been checked right
        in this transaction (``_cc_check_pickup_code``, then ``_cc_pickup_code_given``). Nothing
        a caller sends opens this guard: not the context, not a code given to the door."""
        given = self.env.cr.cache.get(CODE_GIVEN) or ()
        reasons = {}
        # sudo: the store's setting, read for the guard only (the door checked the user's access)
        for order in self.sudo():
            if order.id in given or not order.cc_store_id.cc_require_pickup_code:
                continue
            if order.cc_pickup_locked:
                reasons[order.sudo(False)] = order._cc_locked_reason()
            else:
                reasons[order.sudo(False)] = self.env._(
                    "%(store)s asks for the customer's pickup code: hand it over with the code "
                    "(hand-over screen, delivery scan screen or point of sale).",
                    store=order.cc_store_id.name,
                )
        return reasons

    @contextmanager
    def _cc_pickup_code_given(self):
        """Within this block, the door's guard ``pickup_code`` lets these orders through: their
        code was found right (or, to ask the door about everything else, is not the question)."""
        given = self.env.cr.cache.setdefault(CODE_GIVEN, set())
        added = set(self.ids) - given
        given |= added
        try:
            yield
        finally:
            given -= added

    def _cc_locked_reason(self):
        return self.env._(
            "hand-over by code is locked after %(max)s wrong pickup codes: a store manager unlocks it.",
            max=MAX_WRONG_PICKUP_CODES,
        )

    # ------------------------------------------------------------------ checking the code

    def _cc_check_pickup_code(self, pickup_code, *, channel, store=None, event_values=None):
        """Check the pickup code the customer gave at the counter for handing this ready order
        over.

        Where the store asks for the code, one check at a time per order (the order's row is
        locked: the point of sale and a scan screen trying codes at once wait for each other),
        a wrong code is counted, MAX_WRONG_PICKUP_CODES of them lock the order's hand-over by
        code, and every refusal is kept on the timeline. Nothing is raised for a refused code,
        so that the count and the timeline are kept.

        :return: the reason of the refusal, or None when the order may be handed over (the
            code is right, or the store asks for none); then hand it over within
            ``_cc_pickup_code_given()``
        :raise AccessError: when the user may not act on the order
        """
        self.ensure_one()
        if not self.cc_store_id.cc_require_pickup_code:
            return None
        # Only someone who may hand the order over tries codes (and counts wrong ones).
        self.check_access("write")
        if self.cc_fulfilment != "pickup" or self.cc_state != "ready":
            raise UserError(self.env._("%(order)s is not ready for pickup.", order=self.name))
        self.flush_recordset(["cc_pickup_failures"])
        self.env.cr.execute(SQL(
            "SELECT cc_pickup_failures FROM sale_order WHERE id = %s FOR NO KEY UPDATE", self.id,
        ))
        failures = self.env.cr.fetchone()[0] or 0
        typed = (pickup_code or "").strip()
        # sudo: nobody reads the code; it is only compared here
        code = self.sudo().cc_pickup_code
        if failures >= MAX_WRONG_PICKUP_CODES:
            reason = self._cc_locked_reason()
        elif not typed:
            reason = self.env._("%(store)s asks for the customer's pickup code.", store=self.cc_store_id.name)
        elif code and consteq(code, typed):
            return None
        else:
            failures += 1
            # sudo: the flow's own count (no user writes a flow field)
            self.sudo().write({"cc_pickup_failures": failures})
            if failures >= MAX_WRONG_PICKUP_CODES:
                reason = self.env._(
                    "the pickup code is wrong (%(count)s wrong codes): hand-over by code is now "
                    "locked until a store manager unlocks it.", count=failures,
                )
            else:
                reason = self.env._("the pickup code is wrong (%(count)s of %(max)s wrong codes).",
                                    count=failures, max=MAX_WRONG_PICKUP_CODES)
        self._cc_log_refusal("collected", reason, channel=channel, store=store, event_values=event_values)
        return reason

    def _cc_hand_over(self, pickup_code=None, *, channel="backoffice", store=None, event_values=None, note=None):
        """Hand a ready Click & Collect order over, checking the customer's pickup code.

        The door is asked first about everything but the code (access, state, the user's group,
        payment): those refusals raise, and cost no code. Then the code is checked
        (``_cc_check_pickup_code``): a wrong, missing or locked code is not raised, its
        refusal is kept and returned. Then the door hands the order over.

        :return: (events, refusal message or None)
        """
        self.ensure_one()
        with self._cc_pickup_code_given():
            errors = self._cc_check_transition("collected")
        if errors:
            raise UserError("\n".join(errors))
        reason = self._cc_check_pickup_code(pickup_code, channel=channel, store=store, event_values=event_values)
        if reason:
            return self.env["click_collect.event"], self.env._(
                "%(order)s is not handed over: %(reason)s", order=self.name, reason=reason)
        with self._cc_pickup_code_given():
            events = self._cc_transition("collected", channel=channel, store=store,
                                         event_values=event_values, note=note)
        return events, None

    def _cc_log_refusal(self, target, reason, *, channel, store=None, event_values=None):
        """Keep a refused attempt on the timeline (an event marked refused) and in the chatter."""
        self.ensure_one()
        # sudo: the timeline is append-only for everyone; the user acted on this order.
        event = self.env["click_collect.event"].sudo().create({
            "order_id": self.id,
            "from_state": self.cc_state or False,
            "to_state": target,
            "user_id": self.env.uid,
            "store_id": (store or self.cc_store_id).id,
            "channel": channel,
            "note": reason,
            "refused": True,
            **(event_values or {}),
        })
        self._message_log(body=Markup("<b>%s</b><br/>%s") % (self.env._("Refused"), reason),
                          author_id=self.env.user.partner_id.id)
        return event

    def action_cc_hand_over(self, pickup_code=None):
        """Hand the order over at the back office's counter, checking its pickup code.

        Public: the web order's form and scan screens call it. A wrong code is refused and kept
        on the timeline.

        :param str pickup_code: the code the customer gave
        :return: ``{"ok": bool, "message": str}``
        """
        self.ensure_one()
        return self._cc_hand_over_answer(pickup_code)

    def _cc_hand_over_answer(self, pickup_code, **where):
        """Hand the order over (``_cc_hand_over``, ``where``: channel, store, event values) and
        say what happened: ``{"ok": bool, "message": str}``."""
        _events, error = self._cc_hand_over(pickup_code, **where)
        if error:
            return {"ok": False, "message": error}
        return {"ok": True, "message": self.env._("%(order)s is now collected.", order=self.name)}

    # ------------------------------------------------------------------ unlocking

    def action_cc_unlock_pickup_code(self):
        """Store managers: let these orders be handed over by code again after too many wrong
        codes. Public: the web order's form calls it."""
        return self._cc_unlock_pickup_code(channel="backoffice")

    def _cc_unlock_pickup_code(self, *, channel, store=None, event_values=None):
        """Unlock the hand-over by code of these orders: the count of wrong codes starts again,
        and the timeline says who unlocked (an event marked unlocked, in red)."""
        if not self.env.su and not self.env.user.has_group(const.STORE_MANAGER):
            raise AccessError(self.env._("Only a store manager unlocks the hand-over of an order."))
        self.check_access("write")
        self.flush_recordset(["cc_pickup_failures"])
        self.env.cr.execute(SQL(
            "SELECT id, cc_pickup_failures FROM sale_order WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
            self.ids,
        ))
        failures = dict(self.env.cr.fetchall())
        locked = self.filtered(lambda o: failures.get(o.id, 0) >= MAX_WRONG_PICKUP_CODES)
        if not locked:
            raise UserError(self.env._("The hand-over of %(orders)s is not locked.",
                                       orders=", ".join(self.mapped("name"))))
        # sudo: the flow's own count (no user writes a flow field); the manager was checked above
        locked.sudo().write({"cc_pickup_failures": 0})
        notes = {
            order.id: self.env._(
                "Hand-over by code unlocked by %(user)s after %(count)s wrong pickup codes.",
                user=self.env.user.name, count=failures[order.id],
            )
            for order in locked
        }
        # sudo: the timeline is append-only for everyone; the manager may act on these orders
        self.env["click_collect.event"].sudo().create([
            {
                "order_id": order.id,
                "from_state": order.cc_state or False,
                "to_state": order.cc_state,
                "user_id": self.env.uid,
                "store_id": (store or order.cc_store_id).id,
                "channel": channel,
                "note": notes[order.id],
                "unlocked": True,
                **(event_values or {}),
            }
            for order in locked
        ])
        locked._message_log_batch(
            {order_id: Markup("<b>%s</b>") % note for order_id, note in notes.items()},
            author_id=self.env.user.partner_id.id,
        )
        return True
