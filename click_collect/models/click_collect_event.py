from odoo import fields, models

from .. import const


class ClickCollectEvent(models.Model):
    """One step of a web order's timeline: who moved it from which state to which, where, when."""

    _name = "click_collect.event"
    _description = "Web Order Timeline Event"
    _order = "date desc, id desc"
    _rec_name = "to_state"

    order_id = fields.Many2one("sale.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="order_id.company_id", store=True, precompute=True, index=True)
    fulfilment = fields.Selection(related="order_id.cc_fulfilment", string="Fulfilment")
    from_state = fields.Selection(const.STATES, string="From", readonly=True)
    to_state = fields.Selection(const.STATES, string="To", required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="By", readonly=True, ondelete="restrict")
    store_id = fields.Many2one("stock.warehouse", readonly=True, index=True, ondelete="restrict")
    channel = fields.Selection(const.CHANNELS, required=True, readonly=True, default="backoffice")
    previous_store_id = fields.Many2one(
        "stock.warehouse", readonly=True, ondelete="restrict",
        help="The customer moved the order from this pickup store to the event's store: the state "
             "did not change.",
    )
    note = fields.Text(readonly=True)
    return_id = fields.Many2one(
        "click_collect.return", readonly=True, index="btree_not_null", ondelete="cascade",
        help="A step of a return of the order's goods: the order's state did not change.",
    )
    late = fields.Boolean(
        readonly=True,
        help="The step came after the order's due date: the store's service level for the state "
             "the order left was missed.",
    )
    # ---- customer notifications
    refused = fields.Boolean(
        readonly=True,
        help="A refused attempt (e.g. a wrong pickup code at hand-over): the state did not change.",
    )
    unlocked = fields.Boolean(
        readonly=True,
        help="A store manager unlocked the hand-over by pickup code, locked after too many wrong "
             "codes: the state did not change.",
    )

    arrival = fields.Selection(
        const.ARRIVALS, readonly=True,
        help="The customer of a ready order said they are on their way or here, or the store "
             "answered that someone is coming out: the state did not change.",
    )

    def _cc_steps(self):
        """The events that are steps of the flow, as a web shop or a customer sees them: a
        change of state; not a refused attempt, an unlock nor a note (a partial arrival, a
        reminder sent), which leave the state as it was."""
        return self.filtered(lambda e: not e.refused and not e.unlocked and e.from_state != e.to_state)
