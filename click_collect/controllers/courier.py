import json
import logging

from odoo import http
from odoo.http import request

from ..models.click_collect_courier_event import MAX_BODY, WebhookRefused

_logger = logging.getLogger(__name__)


class CourierWebhook(http.Controller):

    @http.route("/click_collect/courier/<int:carrier_id>/webhook", type="http", auth="public",
                methods=["POST"], csrf=False, save_session=False, cc_max_body=MAX_BODY)
    def courier_webhook(self, carrier_id, **kwargs):
        """A courier's status callback: checked, stored once, answered at once, applied after."""
        # sudo: the caller is a courier, not a user; the token and signature checked below
        # decide whether it is heard.
        carrier = request.env["delivery.carrier"].sudo().browse(carrier_id).exists()
        if not carrier or not carrier._cc_connector_hook("read_callback"):
            return self._answer(404, {"error": "unknown carrier"})
        # within its Content-Length, itself within the route's limit (checked by ir.http)
        body = request.httprequest.get_data(cache=True)
        try:
            status, answer = request.env["click_collect.courier.event"].sudo()._cc_receive(
                carrier, request.httprequest.headers, body,
                # the token in the URL: couriers whose dashboard holds a URL and no header
                query_token=request.httprequest.args.get("token"),
            )
        except WebhookRefused as refused:
            _logger.warning("Courier webhook of %s refused (%s) from %s", carrier.name, refused.reason,
                            request.httprequest.remote_addr)
            return self._answer(refused.status, {"error": refused.reason})
        return self._answer(status, answer)

    @staticmethod
    def _answer(status, payload):
        return request.make_response(json.dumps(payload), headers=[("Content-Type", "application/json")],
                                     status=status)
