import hashlib
import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class ClickCollectApiRequest(models.Model):
    """The first answer to a create request sent with an ``Idempotency-Key`` header.

    The same key with the same body gets that answer again and creates nothing; the same key
    with another body is refused. Keys are kept for ``KEEP_DAYS`` days.
    """

    _name = "click_collect.api.request"
    _description = "Web-Shop API Idempotent Request"
    _order = "id desc"
    _rec_name = "key"

    KEEP_DAYS = 30

    web_shop_id = fields.Many2one("click_collect.web.shop", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="web_shop_id.company_id", store=True)
    key = fields.Char(string="Idempotency Key", required=True, readonly=True)
    request_hash = fields.Char(required=True, readonly=True, help="SHA-256 of the request's method, path and body.")
    response_status = fields.Integer(readonly=True)
    response_body = fields.Text(readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True, ondelete="set null")

    _shop_key_uniq = models.Constraint(
        "UNIQUE(web_shop_id, key)", "An idempotency key is used once per web shop.",
    )

    @api.model
    def _hash(self, method, path, payload):
        canonical = json.dumps([method, path, payload], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        # surrogatepass: a lone surrogate is valid JSON; the body is refused later, not here
        return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()

    @api.model
    def _claim(self, shop, key, request_hash):
        """Take the key for this request, or return the request that took it first.

        The row is inserted first: a second request with the same key waits for the first
        one's transaction, then fails to serialize and is retried by the server, and then
        finds the first one's answer. Returns (request, claimed).
        """
        self.env.cr.execute(SQL(
            """INSERT INTO click_collect_api_request
                   (web_shop_id, company_id, key, request_hash, create_uid, write_uid, create_date, write_date)
               VALUES (%s, %s, %s, %s, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')
               ON CONFLICT (web_shop_id, key) DO NOTHING
               RETURNING id""",
            shop.id, shop.company_id.id, key, request_hash, self.env.uid, self.env.uid,
        ))
        row = self.env.cr.fetchone()
        if row:
            return self.browse(row[0]), True
        return self.search([("web_shop_id", "=", shop.id), ("key", "=", key)], limit=1), False

    def _store_answer(self, status, body, order=None):
        self.ensure_one()
        self.write({
            "response_status": status,
            "response_body": json.dumps(body, ensure_ascii=False),
            "order_id": order.id if order else False,
        })

    @api.autovacuum
    def _gc_old_requests(self):
        limit = fields.Datetime.now() - timedelta(days=self.KEEP_DAYS)
        # sudo: the old answers of every web shop, whoever runs the vacuum
        self.sudo().search([("create_date", "<", limit)]).unlink()
