from odoo import api, fields, models
from odoo.tools import SQL

from .. import const


class ClickCollectFigures(models.Model):
    """Store operations' figures: one row per web order, with the hours each step took from its
    timeline and whether it was picked up, expired or returned (SQL view: nothing is computed
    per record when the pivot or graph reads it)."""

    _name = "click_collect.figures"
    _description = "Web Order Figures"
    _auto = False
    _order = "date desc"
    _rec_name = "order_id"

    order_id = fields.Many2one("sale.order", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    store_id = fields.Many2one("stock.warehouse", readonly=True)
    web_shop_id = fields.Many2one("click_collect.web.shop", readonly=True)
    fulfilment = fields.Selection(const.FULFILMENTS, readonly=True)
    state = fields.Selection(selection="_selection_state", string="Flow State", readonly=True)
    date = fields.Datetime(string="Order Date", readonly=True)
    amount_untaxed = fields.Float(string="Revenue (Untaxed)", readonly=True, aggregator="sum",
                                 help="In the company's currency.")
    accept_hours = fields.Float(string="Hours to Accept", readonly=True, aggregator="avg",
                                help="From the order's arrival to its acceptance.")
    ready_hours = fields.Float(string="Hours to Ready", readonly=True, aggregator="avg",
                               help="From acceptance to ready for pickup (or shipped).")
    counter_hours = fields.Float(string="Hours at the Counter", readonly=True, aggregator="avg",
                                 help="From ready for pickup to collected.")
    pickup_rate = fields.Float(string="Pickup Rate (%)", readonly=True, aggregator="avg",
                               help="Of the Click & Collect orders that were collected or expired, the part collected.")
    expired_rate = fields.Float(string="No-Show Rate (%)", readonly=True, aggregator="avg",
                                help="Of the Click & Collect orders that were collected or expired, the part expired.")
    late_rate = fields.Float(string="Late Rate (%)", readonly=True, aggregator="avg",
                             help="The part of the orders that missed a service level: a step taken after its due "
                                  "date, or still waiting past it.")
    return_rate = fields.Float(string="Returns Rate (%)", readonly=True, aggregator="avg",
                               help="Of the orders the customers received, the part with goods brought back.")

    @api.model
    def _selection_state(self):
        return self.env["sale.order"]._fields["cc_state"]._description_selection(self.env)

    @property
    def _table_query(self):
        received = tuple(const.RETURNABLE_STATES)
        return SQL(
            """
            SELECT o.id AS id,
                   o.id AS order_id,
                   o.company_id,
                   o.cc_store_id AS store_id,
                   o.cc_web_shop_id AS web_shop_id,
                   o.cc_fulfilment AS fulfilment,
                   o.cc_state AS state,
                   o.date_order AS date,
                   o.amount_untaxed / CASE WHEN COALESCE(o.currency_rate, 0) = 0 THEN 1.0 ELSE o.currency_rate END
                       AS amount_untaxed,
                   EXTRACT(EPOCH FROM ev.accepted - ev.arrived) / 3600 AS accept_hours,
                   EXTRACT(EPOCH FROM COALESCE(ev.ready, ev.shipped) - ev.accepted) / 3600 AS ready_hours,
                   EXTRACT(EPOCH FROM ev.collected - ev.ready) / 3600 AS counter_hours,
                   CASE WHEN o.cc_state = 'collected' THEN 100.0 WHEN o.cc_state = 'expired' THEN 0.0 END
                       AS pickup_rate,
                   CASE WHEN o.cc_state = 'expired' THEN 100.0 WHEN o.cc_state = 'collected' THEN 0.0 END
                       AS expired_rate,
                   CASE WHEN COALESCE(ev.late, FALSE) OR o.cc_due_date < (NOW() AT TIME ZONE 'UTC')
                        THEN 100.0 ELSE 0.0 END AS late_rate,
                   CASE WHEN o.cc_state IN %(received)s
                        THEN CASE WHEN rt.order_id IS NULL THEN 0.0 ELSE 100.0 END END AS return_rate
              FROM sale_order o
              LEFT JOIN (
                    SELECT order_id,
                           MIN(date) FILTER (WHERE to_state = 'new') AS arrived,
                           MIN(date) FILTER (WHERE to_state = 'accepted') AS accepted,
                           MIN(date) FILTER (WHERE to_state = 'ready') AS ready,
                           MIN(date) FILTER (WHERE to_state = 'shipped') AS shipped,
                           MIN(date) FILTER (WHERE to_state = 'collected') AS collected,
                           BOOL_OR(late) AS late
                      FROM click_collect_event
                     WHERE NOT COALESCE(refused, FALSE)
                     GROUP BY order_id
              ) ev ON ev.order_id = o.id
              LEFT JOIN (
                    SELECT DISTINCT order_id FROM click_collect_return WHERE state != 'cancelled'
              ) rt ON rt.order_id = o.id
             WHERE o.cc_fulfilment IS NOT NULL AND o.cc_state IS NOT NULL
            """,
            received=received,
        )
