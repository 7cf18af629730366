import json
import re
from functools import partial

from odoo import http
from odoo.http import request
from odoo.service.model import retrying

from ..tools import api_contract
from ..tools.api_contract import API_PREFIX, MAX_BODY, ApiError
from ..tools.api_openapi import openapi_document


def _get_is_readonly(controller, rule, args):
    return request.httprequest.method == "GET"


class ClickCollectApiController(http.Controller):
    """The web-shop REST API (JSON over HTTP). Its contract: tools/api_contract.py and the
    OpenAPI document served at /api/click_collect/v1/openapi.json.

    Routes take every HTTP method and answer 405 themselves, so that even a wrong method gets
    the API's JSON error. ``cc_max_body``: a larger body, or one of no announced length, is
    refused before it is read (models/ir_http.py). Errors are raised as ``ApiError``: the request's transaction is
    rolled back and ir.http renders the JSON answer (models/ir_http.py).
    """

    # ------------------------------------------------------------------ routes

    @http.route(f"{API_PREFIX}/orders", type="http", auth="bearer", csrf=False, readonly=_get_is_readonly,
                cc_max_body=MAX_BODY)
    def cc_api_orders(self, **_params):
        method = self._allow("GET", "POST")
        Api = request.env["click_collect.api"]
        shop = Api._web_shop()
        if method == "GET":
            return self._answer(Api._list_orders(shop, request.httprequest.args))
        return self._retrying(self._create_order, shop, self._payload(required=True))

    @http.route(f"{API_PREFIX}/orders/<string:order_no>", type="http", auth="bearer", csrf=False,
                readonly=True, cc_max_body=MAX_BODY)
    def cc_api_order(self, order_no, **_params):
        self._allow("GET")
        Api = request.env["click_collect.api"]
        order = Api._find_order(Api._web_shop(), order_no)
        return self._answer(Api._describe(order)[0])

    @http.route(f"{API_PREFIX}/orders/<string:order_no>/cancel", type="http", auth="bearer", csrf=False,
                cc_max_body=MAX_BODY)
    def cc_api_cancel(self, order_no, **_params):
        self._allow("POST")
        Api = request.env["click_collect.api"]
        order = self._retrying(Api._cancel_order, Api._web_shop(), order_no, self._payload())
        return self._answer(Api._describe(order)[0])

    @http.route(f"{API_PREFIX}/orders/<string:order_no>/payments", type="http", auth="bearer", csrf=False,
                cc_max_body=MAX_BODY)
    def cc_api_payments(self, order_no, **_params):
        self._allow("POST")
        Api = request.env["click_collect.api"]
        order = self._retrying(Api._register_payment, Api._web_shop(), order_no, self._payload(required=True))
        return self._answer(Api._describe(order)[0], status=201)

    @http.route(f"{API_PREFIX}/orders/<string:order_no>/returns", type="http", auth="bearer", csrf=False,
                cc_max_body=MAX_BODY)
    def cc_api_returns(self, order_no, **_params):
        self._allow("POST")
        Api = request.env["click_collect.api"]
        order = self._retrying(Api._request_return, Api._web_shop(), order_no, self._payload(required=True))
        return self._answer(Api._describe(order)[0], status=201)

    @http.route(f"{API_PREFIX}/orders/<string:order_no>/returns/<path:return_no>/label", type="http",
                auth="bearer", csrf=False, readonly=True, cc_max_body=MAX_BODY)
    def cc_api_return_label(self, order_no, return_no, **_params):
        self._allow("GET")
        Api = request.env["click_collect.api"]
        label = Api._return_label(Api._web_shop(), order_no, return_no)
        return request.make_response(label.raw, headers=[
            ("Content-Type", label.mimetype or "application/octet-stream"),
            ("Content-Disposition", http.content_disposition(label.name)),
            ("Cache-Control", "no-store"),
        ])

    @http.route(f"{API_PREFIX}/openapi.json", type="http", auth="public", csrf=False, readonly=True,
                cc_max_body=MAX_BODY)
    def cc_api_openapi(self, **_params):
        self._allow("GET")
        return self._answer(openapi_document(), cache="public, max-age=300")

    @http.route(f"{API_PREFIX}/<path:subpath>", type="http", auth="public", csrf=False, readonly=True,
                cc_max_body=MAX_BODY)
    def cc_api_not_found(self, subpath=None, **_params):
        raise ApiError("not_found")

    # ------------------------------------------------------------------ helpers

    def _allow(self, *methods):
        method = request.httprequest.method
        if method not in methods:
            raise ApiError("method_not_allowed", request.env._(
                "%(path)s takes %(methods)s.", path=request.httprequest.path, methods=", ".join(methods),
            ), headers=[("Allow", ", ".join(methods))])
        return method

    def _payload(self, required=False):
        # within its Content-Length, itself within the route's limit (checked by ir.http)
        data = request.httprequest.get_data(cache=True)
        if not data.strip():
            if required:
                raise ApiError("malformed_json", request.env._("The body must be a JSON object."))
            return None
        try:
            payload = json.loads(data)
        except (ValueError, RecursionError):
            raise ApiError("malformed_json", request.env._("The body is not valid JSON.")) from None
        if not isinstance(payload, dict):
            raise ApiError("malformed_json", request.env._("The body must be a JSON object."))
        return payload

    def _create_order(self, shop, payload):
        """POST /orders, idempotent when an Idempotency-Key header comes with it."""
        key = request.httprequest.headers.get("Idempotency-Key")
        idempotent = request.env["click_collect.api.request"]
        if key is not None:
            if len(key) > api_contract.MAX_IDEMPOTENCY_KEY \
                    or not re.fullmatch(api_contract.IDEMPOTENCY_KEY_PATTERN, key):
                raise ApiError("invalid_parameter", request.env._(
                    "The Idempotency-Key header must have 1 to %(max)s visible ASCII characters (spaces "
                    "inside only).", max=api_contract.MAX_IDEMPOTENCY_KEY,
                ))
            request_hash = idempotent._hash("POST", "/orders", payload)
            idempotent, claimed = idempotent._claim(shop, key, request_hash)
            if not claimed:
                if idempotent.request_hash != request_hash:
                    raise ApiError("idempotency_conflict", request.env._(
                        "The Idempotency-Key %(key)s was used before with another body.", key=key,
                    ))
                return self._answer(json.loads(idempotent.response_body), status=idempotent.response_status,
                                    headers=[("Idempotent-Replayed", "true")])
        order = request.env["click_collect.api"]._create_order(shop, payload, reserve_later=True)
        body = request.env["click_collect.api"]._describe(order)[0]
        if idempotent:
            idempotent._store_answer(201, body, order)
        return self._answer(body, status=201, headers=[("Location", f"{API_PREFIX}/orders/{order.name}")])

    @staticmethod
    def _retrying(func, *args):
        """Run a change of the API in a round of Odoo's own retries on concurrency errors, inside
        the round Odoo gives every request: a payment or a cancellation may meet a store's
        change of the same order. Orders are created without reserving their goods (a
        scheduled job reserves them), so that many orders of one product at one store do not
        all update the same stock row. Every try starts from nothing (the transaction is rolled
        back)."""
        return retrying(partial(func, *args), request.env)

    def _answer(self, body, status=200, headers=None, cache="no-store"):
        return request.make_json_response(body, headers=[("Cache-Control", cache), *(headers or [])], status=status)
