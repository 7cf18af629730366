from odoo import fields, models
from odoo.tools import SQL

# How old the cash a courier owes is, in days since it collected it: (key, label, last day).
AGES = [("0_7", "0-7 days", 7), ("8_15", "8-15 days", 15), ("16_30", "16-30 days", 30), ("older", "Older", None)]


class ClickCollectCodOwed(models.Model):
    """The cash couriers owe, by courier and age: one row per open cash-on-delivery receivable
    (the part of an order's cash its courier has not remitted yet), aged from the day the
    courier collected it. (SQL view on the journal items.)"""

    _name = "click_collect.cod.owed"
    _description = "Cash Owed by Couriers"
    _auto = False
    _order = "date"
    _rec_name = "order_id"

    company_id = fields.Many2one("res.company", readonly=True)
    courier_id = fields.Many2one("res.partner", readonly=True)
    order_id = fields.Many2one("sale.order", string="Web Order", readonly=True)
    store_id = fields.Many2one("stock.warehouse", readonly=True)
    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    date = fields.Date(string="Collected On", readonly=True)
    amount = fields.Float(string="Owed", readonly=True, aggregator="sum",
                          help="In the company's currency.")
    age_days = fields.Integer(string="Age (Days)", readonly=True, aggregator="max")
    age = fields.Selection([(key, label) for key, label, _days in AGES], readonly=True)

    @property
    def _table_query(self):
        age = SQL(" ").join(
            SQL("WHEN CURRENT_DATE - l.date <= %s THEN %s", days, key) for key, _label, days in AGES if days
        )
        return SQL(
            """
            SELECT l.id AS id,
                   l.id AS move_line_id,
                   l.company_id,
                   l.partner_id AS courier_id,
                   m.cc_cod_order_id AS order_id,
                   o.cc_store_id AS store_id,
                   l.date,
                   l.amount_residual AS amount,
                   CURRENT_DATE - l.date AS age_days,
                   CASE %(age)s ELSE 'older' END AS age
              FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
              JOIN sale_order o ON o.id = m.cc_cod_order_id
              JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
             WHERE l.parent_state = 'posted' AND l.debit > 0 AND NOT l.reconciled
            """,
            age=age,
        )
