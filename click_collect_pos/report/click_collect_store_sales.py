from odoo import fields, models
from odoo.tools import SQL


class ClickCollectStoreSales(models.Model):
    """A store's sales by channel: its web orders (those whose revenue it books: its own, or
    a web shop's as its turnover store) beside its points of sale's orders, untaxed, with their
    margin, in the company's currency. A POS order that only took a web order's payment at the counter, or paid
    back a web order's return, is the web order's, not a POS sale. (SQL view.)"""

    _name = "click_collect.store.sales"
    _description = "Store Sales: Web and Point of Sale"
    _auto = False
    _order = "date desc"

    company_id = fields.Many2one("res.company", readonly=True)
    store_id = fields.Many2one("stock.warehouse", readonly=True)
    date = fields.Datetime(readonly=True)
    channel = fields.Selection([("web", "Web Orders"), ("pos", "Point of Sale")], readonly=True)
    revenue = fields.Float(string="Revenue (Untaxed)", readonly=True, aggregator="sum",
                           help="In the company's currency.")
    margin = fields.Float(
        readonly=True, aggregator="sum",
        help="Revenue less the cost of the goods sold, in the company's currency, once the goods "
             "left: for web orders, the stock value of the goods handed over or shipped (less "
             "what came back); for point of sale orders, the cost the point of sale computes "
             "(when its session closes if it updates stock then). Empty before.",
    )

    @property
    def _table_query(self):
        return SQL("""
            SELECT ROW_NUMBER() OVER (ORDER BY sales.date, sales.channel, sales.source_id) AS id, sales.*
              FROM (
                    SELECT o.id AS source_id, o.company_id, o.cc_revenue_store_id AS store_id,
                           o.date_order AS date, 'web' AS channel,
                           o.amount_untaxed / CASE WHEN COALESCE(o.currency_rate, 0) = 0 THEN 1.0
                                                   ELSE o.currency_rate END AS revenue,
                           o.amount_untaxed / CASE WHEN COALESCE(o.currency_rate, 0) = 0 THEN 1.0
                                                   ELSE o.currency_rate END - cogs.cost AS margin
                      FROM sale_order o
                      LEFT JOIN (
                            -- the stock value of the goods that left for the customer, less what came back
                            SELECT line.order_id,
                                   SUM(CASE WHEN dest.usage = 'customer' THEN m.value ELSE -m.value END) AS cost
                              FROM stock_move m
                              JOIN sale_order_line line ON line.id = m.sale_line_id
                              JOIN stock_location src ON src.id = m.location_id
                              JOIN stock_location dest ON dest.id = m.location_dest_id
                             WHERE m.state = 'done' AND (dest.usage = 'customer') != (src.usage = 'customer')
                             GROUP BY line.order_id
                      ) cogs ON cogs.order_id = o.id
                     WHERE o.cc_fulfilment IS NOT NULL AND o.state = 'sale'
                           AND o.cc_revenue_store_id IS NOT NULL
                 UNION ALL
                    SELECT p.id, p.company_id, pt.warehouse_id, p.date_order, 'pos',
                           (p.amount_total - p.amount_tax) / CASE WHEN COALESCE(p.currency_rate, 0) = 0 THEN 1.0
                                                                  ELSE p.currency_rate END,
                           pl.margin / CASE WHEN COALESCE(p.currency_rate, 0) = 0 THEN 1.0 ELSE p.currency_rate END
                      FROM pos_order p
                      LEFT JOIN (
                            SELECT order_id,
                                   SUM(price_subtotal - total_cost) FILTER (WHERE is_total_cost_computed) AS margin
                              FROM pos_order_line
                             GROUP BY order_id
                      ) pl ON pl.order_id = p.id
                      JOIN pos_config c ON c.id = p.config_id
                      JOIN stock_picking_type pt ON pt.id = c.picking_type_id
                      JOIN stock_warehouse w ON w.id = pt.warehouse_id AND w.cc_is_store
                     WHERE p.state IN ('paid', 'done')
                       AND NOT EXISTS (SELECT 1 FROM payment_transaction t WHERE t.cc_pos_order_id = p.id)
                       AND NOT EXISTS (SELECT 1 FROM click_collect_return r WHERE r.pos_order_id = p.id)
              ) sales
        """)
