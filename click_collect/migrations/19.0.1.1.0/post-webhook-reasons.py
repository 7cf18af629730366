"""Status webhooks keep the status code and a short reason of a failed attempt, never the web
shop's answer: the answers kept before are replaced by the reason of their status code."""

from odoo.addons.click_collect_api.models.click_collect_webhook_delivery import MAX_REASON, _reason


def migrate(cr, version):
    cr.execute("SELECT DISTINCT last_status_code FROM click_collect_webhook_delivery WHERE last_status_code > 0")
    for (status,) in cr.fetchall():
        cr.execute("UPDATE click_collect_webhook_delivery SET last_error = %s "
                   "WHERE last_status_code = %s AND last_error IS NOT NULL", [_reason(status), status])
    # no answer (a network error): our own words, cut to the length of a reason
    cr.execute("UPDATE click_collect_webhook_delivery SET last_error = left(last_error, %s) "
               "WHERE coalesce(last_status_code, 0) = 0 AND last_error IS NOT NULL", [MAX_REASON])
