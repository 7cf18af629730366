"""The OpenAPI 3.1 document of the web-shop API, built from its contract (no ORM)."""

import copy

from .api_contract import (
    API_PAYMENT_METHODS,
    API_PREFIX,
    API_REGISTERED_METHODS,
    ERRORS,
    IDEMPOTENCY_KEY_PATTERN,
    LIST_DEFAULT_LIMIT,
    LIST_MAX_LIMIT,
    MAX_AMOUNT,
    MAX_BODY,
    MAX_IDEMPOTENCY_KEY,
    MAX_INT,
    MAX_LINES,
    MAX_QTY,
    REQUIRED_TEXT_PATTERN,
    STATUS_CODES,
    STATUS_FILTERS,
    TEXT_PATTERN,
)

VERSION = "1.0.0"


def _text(max_length=1000, *, required=False, **extra):
    """A text field as the API checks it: at most ``max_length`` characters, no NUL character,
    and something else than white space when it is ``required`` (lone surrogates: see the
    document's description)."""
    if required:
        return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": REQUIRED_TEXT_PATTERN,
                **extra}
    return {"type": "string", "maxLength": max_length, "pattern": TEXT_PATTERN, **extra}


def _nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def _error_codes_table():
    rows = "\n".join(f"| `{code}` | {status} | {text} |" for code, (status, text) in ERRORS.items())
    return "| code | HTTP status | meaning |\n|---|---|---|\n" + rows


def _status_table():
    rows = "\n".join(f"| `{status}` | {code} |" for status, code in STATUS_CODES.items())
    return "| status | status_code |\n|---|---|\n| (every state) | 0 |\n" + rows


SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "Every error answer. `code` is stable (see the table in the API description); "
                       "`message` is for humans.",
        "required": ["error"],
        "additionalProperties": False,
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "enum": list(ERRORS)},
                    "message": {"type": "string"},
                },
            },
        },
    },
    "Status": {
        "type": "string",
        "enum": list(STATUS_CODES),
        "description": "Flow state of the order; `status_code` is its number:\n\n" + _status_table(),
    },
    "StatusCode": {"type": "integer", "enum": list(STATUS_CODES.values())},
    "Customer": {
        "type": "object",
        "required": ["name", "email"],
        "description": "The customer is matched by email, or created. A known customer who gives "
                       "another address gets it as a delivery address.",
        "properties": {
            "name": _text(255, required=True),
            "email": _text(255, required=True, format="email"),
            "phone": _nullable(_text(255)),
            "street": _nullable(_text(255)),
            "city": _nullable(_text(255)),
            "zip": _nullable(_text(255)),
            "country_code": _nullable(_text(255, description="ISO 3166-1 alpha-2, e.g. BE")),
        },
    },
    "PaymentIn": {
        "type": "object",
        "required": ["method"],
        "description": "`online` orders sent with `paid: true` are recorded as a payment transaction "
                       "with `reference` (the web shop's payment provider confirmed it). A `transfer` "
                       "order waits for its payment (POST /orders/{order_no}/payments). `pay_at_store` "
                       "is for pickup orders, `cod` for ship orders; neither may be sent paid.",
        "properties": {
            "method": {"type": "string", "enum": list(API_PAYMENT_METHODS)},
            "paid": {"type": "boolean", "default": False},
            "reference": _nullable(_text(255, description="Required when paid is true.")),
        },
        "if": {"required": ["paid"], "properties": {"paid": {"const": True}}},
        "then": {"required": ["reference"], "properties": {"reference": _text(255, required=True)}},
    },
    "LineIn": {
        "oneOf": [
            {
                "type": "object",
                "required": ["variant_id", "qty"],
                "properties": {
                    "variant_id": {"type": "integer", "description": "Odoo id of the product variant."},
                    "qty": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_QTY},
                },
                "not": {"required": ["ean"]},
            },
            {
                "type": "object",
                "required": ["ean", "qty"],
                "properties": {
                    "ean": _text(64, required=True, description="The product's barcode. An EAN that matches "
                                                              "several products is refused (ambiguous_ean)."),
                    "qty": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_QTY},
                },
                "not": {"required": ["variant_id"]},
            },
        ],
    },
    "OrderIn": {
        "type": "object",
        "required": ["external_ref", "fulfilment", "customer", "payment", "lines"],
        "properties": {
            "external_ref": _text(255, required=True, description="The order's number in the web shop; "
                                                               "unique per web shop."),
            "fulfilment": {"type": "string", "enum": ["pickup", "ship"]},
            "store": _nullable(_text(64, description="Store code; the web shop's default store when absent.")),
            "customer": {"$ref": "#/components/schemas/Customer"},
            "payment": {"$ref": "#/components/schemas/PaymentIn"},
            "lines": {
                "type": "array", "minItems": 1, "maxItems": MAX_LINES,
                "items": {"$ref": "#/components/schemas/LineIn"},
            },
            "note": _nullable(_text(10000)),
        },
    },
    "PaymentRegistration": {
        "type": "object",
        "required": ["amount", "reference"],
        "properties": {
            "amount": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_AMOUNT},
            "reference": _text(255, required=True, description="Bank statement, slip or receipt reference."),
            "method": _nullable({"type": "string", "enum": list(API_REGISTERED_METHODS),
                                 "description": "Default: the order's payment method."}),
        },
    },
    "Cancellation": {
        "type": "object",
        "properties": {"reason": _nullable(_text(10000, description="Kept on the order's timeline."))},
    },
    "Line": {
        "type": "object",
        "required": ["variant_id", "ean", "name", "qty", "price_unit"],
        "properties": {
            "variant_id": {"type": "integer"},
            "ean": _nullable({"type": "string"}),
            "name": {"type": "string"},
            "qty": {"type": "number"},
            "price_unit": {"type": "number"},
        },
    },
    "TimelineEntry": {
        "type": "object",
        "required": ["status", "status_code", "at", "store"],
        "properties": {
            "status": {"$ref": "#/components/schemas/Status"},
            "status_code": {"$ref": "#/components/schemas/StatusCode"},
            "at": {"type": "string", "format": "date-time"},
            "store": _nullable({"type": "string", "description": "Code of the store that acted."}),
        },
    },
    "Order": {
        "type": "object",
        "required": ["order_no", "external_ref", "status", "status_code", "fulfilment", "store",
                     "amount_total", "currency", "paid", "lines", "carrier", "tracking_ref", "tracking_url",
                     "timeline", "updated_at"],
        "properties": {
            "order_no": {"type": "string", "description": "Odoo's order number (also its barcode)."},
            "external_ref": _nullable({"type": "string"}),
            "status": {"$ref": "#/components/schemas/Status"},
            "status_code": {"$ref": "#/components/schemas/StatusCode"},
            "fulfilment": {"type": "string", "enum": ["pickup", "ship"]},
            "store": {"type": "string", "description": "Code of the store that hands over or ships."},
            "amount_total": {"type": "number"},
            "currency": {"type": "string", "description": "ISO 4217 code."},
            "paid": {"type": "boolean"},
            "amount_paid": {"type": "number", "description": "Money received (addition to the contract)."},
            "payment_method": _nullable({"type": "string", "description": "Addition to the contract."}),
            "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}},
            "carrier": _nullable({"type": "string"}),
            "tracking_ref": _nullable({"type": "string"}),
            "tracking_url": _nullable({"type": "string"}),
            "timeline": {"type": "array", "items": {"$ref": "#/components/schemas/TimelineEntry"}},
            "return_status": _nullable({"type": "string", "enum": ["partial", "returned"],
                                        "description": "Some goods came back (`partial`), or all of them."}),
            "returns": {"type": "array", "items": {"$ref": "#/components/schemas/Return"}},
            "created_at": {"type": "string", "format": "date-time", "description": "Addition to the contract."},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    },
    "OrderList": {
        "type": "object",
        "required": ["orders", "total", "limit", "offset"],
        "properties": {
            "orders": {"type": "array", "items": {"$ref": "#/components/schemas/Order"}},
            "total": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer", "minimum": 1},
            "offset": {"type": "integer", "minimum": 0},
        },
    },
    "ReturnIn": {
        "type": "object",
        "required": ["lines"],
        "description": "Goods of a collected or delivered order that the customer announced online they bring "
                       "or send back. Each line names goods of the order by `variant_id` or `ean`; the store "
                       "receives them later (the return becomes `received`, then `refunded`).",
        "properties": {
            "lines": {"type": "array", "minItems": 1, "maxItems": MAX_LINES,
                      "items": {"$ref": "#/components/schemas/LineIn"}},
            "reason": _nullable(_text(255, description="One of the retailer's return reasons (by its name), or "
                                                       "free text.")),
            "note": _nullable(_text(10000, description="The customer's words.")),
            "store": _nullable(_text(64, description="Code of the store the goods come back to; the order's "
                                                     "store when absent.")),
            "external_ref": _nullable(_text(255, description="The return's reference in the web shop.")),
            "courier": _nullable(_text(64, description="The courier or postal service of a parcel the customer "
                                                       "sends back.")),
            "tracking_ref": _nullable(_text(128, description="The parcel's tracking number: the store scans it "
                                                             "on its return screen to find the return.")),
            "return_label": {"type": "boolean", "default": False,
                             "description": "Book the return label of the courier that delivered the order (a "
                                            "courier whose connector makes return labels); the return's "
                                            "`courier`, `tracking_ref` and `label_url` follow. Not with "
                                            "`courier` or `tracking_ref`."},
        },
    },
    "ReturnLine": {
        "type": "object",
        "required": ["variant_id", "ean", "qty", "condition"],
        "properties": {
            "variant_id": {"type": "integer"},
            "ean": _nullable({"type": "string"}),
            "qty": {"type": "number"},
            "condition": _nullable({"type": "string", "enum": ["sellable", "damaged"],
                                    "description": "Known once the goods came back."}),
        },
    },
    "Return": {
        "type": "object",
        "required": ["return_no", "external_ref", "status", "store", "courier", "tracking_ref", "label_url",
                     "requested_at",
                     "received_at", "refunded_at", "refund_amount", "refund_mode", "lines"],
        "properties": {
            "return_no": {"type": "string"},
            "external_ref": _nullable({"type": "string"}),
            "status": {"type": "string", "enum": ["requested", "received", "refunded", "closed", "cancelled"],
                       "description": "`requested`: announced, the goods are on their way; `received`: back at "
                                      "the store, the refund is owed; `refunded`; `closed`: nothing to refund; "
                                      "`cancelled`: the goods never came."},
            "store": {"type": "string", "description": "Code of the store the goods come back to."},
            "courier": _nullable({"type": "string"}),
            "tracking_ref": _nullable({"type": "string"}),
            "label_url": _nullable({"type": "string", "description": "Path of the courier's return label "
                                                                     "(`GET`, with the API key) while the parcel "
                                                                     "is on its way."}),
            "requested_at": {"type": "string", "format": "date-time"},
            "received_at": _nullable({"type": "string", "format": "date-time"}),
            "refunded_at": _nullable({"type": "string", "format": "date-time"}),
            "refund_amount": {"type": "number", "description": "What the customer paid for the goods returned."},
            "refund_mode": {"type": "string", "description": "How the customer is refunded (`owed`: by the web "
                                                             "shop's payment provider or a bank transfer; `till`: "
                                                             "from the till of the store that received the goods, "
                                                             "where the point of sale is installed; `store_credit`: "
                                                             "a gift card or the customer's eWallet, where the "
                                                             "loyalty programs are installed)."},
            "refund_reference": _nullable({"type": "string"}),
            "reason": _nullable({"type": "string"}),
            "note": _nullable({"type": "string"}),
            "lines": {"type": "array", "items": {"$ref": "#/components/schemas/ReturnLine"}},
        },
    },
    "ReturnWebhook": {
        "type": "object",
        "description": "Body POSTed to the web shop's webhook URL when a store receives goods of a return "
                       "(`order.return_received`), when the refund is made (`order.refunded`) and when an "
                       "announced return is cancelled, its goods never came (`order.return_cancelled`); "
                       "signed, retried and deduplicated as the `StatusWebhook`.",
        "required": ["event_id", "type", "timestamp", "order_no", "return"],
        "properties": {
            "event_id": {"type": "string", "format": "uuid"},
            "type": {"type": "string", "enum": ["order.return_received", "order.refunded",
                                                "order.return_cancelled"]},
            "timestamp": {"type": "string", "format": "date-time"},
            "order_no": {"type": "string"},
            "external_ref": _nullable({"type": "string"}),
            "return_status": _nullable({"type": "string", "enum": ["partial", "returned"]}),
            "return": {"$ref": "#/components/schemas/Return"},
        },
    },
    "StoreWebhook": {
        "type": "object",
        "description": "Body POSTed to the web shop's webhook URL when the customer chose another pickup "
                       "store on the order's page (before it was prepared; the pickup code stays); signed, "
                       "retried and deduplicated as the `StatusWebhook`.",
        "required": ["event_id", "type", "timestamp", "order_no", "status", "status_code", "store",
                     "previous_store"],
        "properties": {
            "event_id": {"type": "string", "format": "uuid"},
            "type": {"type": "string", "enum": ["order.store_changed"]},
            "timestamp": {"type": "string", "format": "date-time"},
            "order_no": {"type": "string"},
            "external_ref": _nullable({"type": "string"}),
            "status": {"$ref": "#/components/schemas/Status"},
            "status_code": {"$ref": "#/components/schemas/StatusCode"},
            "store": {"type": "string", "description": "Code of the new pickup store."},
            "previous_store": {"type": "string", "description": "Code of the store the order left."},
        },
    },
    "StatusWebhook": {
        "type": "object",
        "description": "Body POSTed to the web shop's webhook URL at each change of flow state. Header "
                       "`X-Click-Collect-Signature: t=<unix time>,v1=<hex>`: `v1` is the HMAC-SHA256, "
                       "with the web shop's webhook secret, of `<t>.<raw body>`, signed at each attempt. "
                       "Compare it in constant time and refuse a `t` more than 5 minutes away from now. "
                       "`X-Click-Collect-Event-Id` repeats `event_id`. Retries and replays send the same "
                       "body: deduplicate by `event_id`.",
        "required": ["event_id", "type", "timestamp", "order_no", "status", "status_code"],
        "properties": {
            "event_id": {"type": "string", "format": "uuid"},
            "type": {"type": "string", "enum": ["order.status_changed"]},
            "timestamp": {"type": "string", "format": "date-time", "description": "When the state changed."},
            "order_no": {"type": "string"},
            "external_ref": _nullable({"type": "string"}),
            "status": {"$ref": "#/components/schemas/Status"},
            "status_code": {"$ref": "#/components/schemas/StatusCode"},
            "previous_status": _nullable({"$ref": "#/components/schemas/Status"}),
            "previous_status_code": _nullable({"$ref": "#/components/schemas/StatusCode"}),
            "store": _nullable({"type": "string"}),
            "tracking_ref": _nullable({"type": "string"}),
        },
    },
}


def _error(description):
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _ok(description, schema, status_headers=None):
    answer = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
    if status_headers:
        answer["headers"] = status_headers
    return answer


ALLOW = {"Allow": {"schema": {"type": "string"}, "required": True,
                   "description": "The HTTP methods the route takes, e.g. `GET, POST`."}}
METHOD_NOT_ALLOWED = {**_error("Wrong HTTP method (`method_not_allowed`)."), "headers": ALLOW}
COMMON_ERRORS = {
    "401": _error("No API key, or a wrong or expired one (`unauthorized`)."),
    "403": _error("The key's user is the technical user of no active web shop (`no_web_shop`)."),
    "405": METHOD_NOT_ALLOWED,
}
# the answers to a body refused before it is read
BODY_ERRORS = {
    "411": _error("`length_required`: the body came in chunks, without its Content-Length; it was not read."),
    "413": _error(f"`payload_too_large`: the body is larger than {MAX_BODY // 1024} KiB; it was not read."),
}
# the answer of a change that kept meeting concurrent changes of the same goods or order
BUSY = {
    **_error("`busy`: other requests kept changing the same goods or order; nothing was changed. "
             "Send the request again after `Retry-After` seconds, with the same `Idempotency-Key`."),
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
}
ORDER_NO = {
    "name": "order_no", "in": "path", "required": True,
    "schema": {"type": "string"}, "description": "Odoo's order number, as in `order_no`.",
}


def _operation(summary, responses, *, description=None, parameters=None, body=None, body_required=True,
               operation_id=None):
    operation = {"summary": summary, "operationId": operation_id, "responses": {**responses, **COMMON_ERRORS}}
    if description:
        operation["description"] = description
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["responses"].update(BODY_ERRORS)
        operation["requestBody"] = {
            "required": body_required,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        }
    return operation


PATHS = {
    "/orders": {
        "post": _operation(
            "Create an order", operation_id="createOrder", body="OrderIn",
            description="Creates and confirms a Click & Collect (`pickup`) or ship-from-store (`ship`) "
                        "order, which enters the flow in `new`. Lines name a product variant by "
                        "`variant_id` or by `ean`. Nothing is created when the request is refused.",
            parameters=[{
                "name": "Idempotency-Key", "in": "header", "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": MAX_IDEMPOTENCY_KEY,
                           "pattern": IDEMPOTENCY_KEY_PATTERN},
                "description": "The same key with the same body returns the first answer (header "
                               "`Idempotent-Replayed: true`) and creates nothing; the same key with "
                               "another body answers 409 `idempotency_conflict`. Keys are kept 30 days.",
            }],
            responses={
                "201": _ok("The order was created.", "Order", {
                    "Location": {"schema": {"type": "string"}, "description": "URL of the order."},
                }),
                "400": _error("Malformed JSON, a missing field or a field of the wrong type "
                              "(`malformed_json`, `missing_field`, `invalid_field`, `invalid_parameter`)."),
                "409": _error("`idempotency_conflict` or `duplicate_external_ref`."),
                "422": _error("`unknown_variant`, `ambiguous_ean`, `unknown_store`, `unknown_country`, "
                              "`invalid_quantity`, `invalid_payment_method`, `refused`."),
                "503": BUSY,
            },
        ),
        "get": _operation(
            "List the web shop's orders", operation_id="listOrders",
            description="Sorted by `updated_at`, then by creation.",
            parameters=[
                {"name": "status", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": list(STATUS_FILTERS)},
                 "description": "A status name or its status_code; `all`, `All` and `0` mean every state "
                                "(the default).\n\n" + _status_table()},
                {"name": "updated_since", "in": "query", "required": False,
                 "schema": {"type": "string", "format": "date-time"},
                 "description": "Only orders changed at or after this ISO 8601 moment (UTC when it has no "
                                "zone)."},
                {"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": LIST_MAX_LIMIT,
                            "default": LIST_DEFAULT_LIMIT}},
                {"name": "offset", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 0, "maximum": MAX_INT, "default": 0}},
            ],
            responses={
                "200": _ok("A page of orders.", "OrderList"),
                "400": _error("A query parameter has an impossible value (`invalid_parameter`)."),
            },
        ),
    },
    "/orders/{order_no}": {
        "get": _operation(
            "Get one order", operation_id="getOrder", parameters=[ORDER_NO],
            responses={
                "200": _ok("The order.", "Order"),
                "404": _error("`order_not_found`: no such order, or another web shop's order."),
            },
        ),
    },
    "/orders/{order_no}/cancel": {
        "post": _operation(
            "Cancel an order", operation_id="cancelOrder", parameters=[ORDER_NO], body="Cancellation",
            body_required=False,
            description="Cancels the order when the flow allows it (Click & Collect: before it is "
                        "collected; ship from store: before it is shipped).",
            responses={
                "200": _ok("The cancelled order.", "Order"),
                "400": _error("Malformed JSON or a field of the wrong type."),
                "404": _error("`order_not_found`."),
                "409": _error("`invalid_transition`: the flow does not allow cancelling it now."),
                "503": BUSY,
            },
        ),
    },
    "/orders/{order_no}/payments": {
        "post": _operation(
            "Register a payment", operation_id="registerPayment", parameters=[ORDER_NO],
            body="PaymentRegistration",
            description="Registers money received for the order (a bank transfer that arrived, cash on "
                        "delivery remitted, paid at the counter) as a payment transaction. A prepaid "
                        "order may then be accepted by its store.",
            responses={
                "201": _ok("The payment was registered; the order as it is now.", "Order"),
                "400": _error("Malformed JSON, a missing field or a field of the wrong type."),
                "404": _error("`order_not_found`."),
                "409": _error("`order_closed`: the order is cancelled or finished."),
                "422": _error("`invalid_amount` or `invalid_payment_method`."),
                "503": BUSY,
            },
        ),
    },
    "/orders/{order_no}/returns": {
        "post": _operation(
            "Announce a return", operation_id="requestReturn", parameters=[ORDER_NO], body="ReturnIn",
            description="The customer announced online that goods of a collected or delivered order come back. "
                        "The return waits for its goods (`requested`) and holds the quantities announced; the "
                        "store receives it, then the webhooks `order.return_received` and `order.refunded` "
                        "follow. Refused for more than the customer has, and after the web shop's return "
                        "window.",
            responses={
                "201": _ok("The return was announced; the order as it is now (its `returns`).", "Order"),
                "400": _error("Malformed JSON, a missing field or a field of the wrong type."),
                "404": _error("`order_not_found`."),
                "409": _error("`order_not_returnable`: the order is not collected or delivered; "
                              "`duplicate_external_ref`: a return with this `external_ref` was announced."),
                "422": _error("`unknown_variant` (goods the order does not have), `invalid_quantity`, "
                              "`unknown_store`, `refused` (more than the customer has, after the return "
                              "window, a `return_label` the order's courier does not make or refused)."),
                "503": BUSY,
            },
        ),
    },
    "/orders/{order_no}/returns/{return_no}/label": {
        "get": _operation(
            "A return's label", operation_id="getReturnLabel",
            parameters=[ORDER_NO, {"name": "return_no", "in": "path", "required": True,
                                   "schema": {"type": "string"}, "description": "The return's `return_no`."}],
            description="The courier's label of a return announced with `return_label` (its `label_url`), while "
                        "the parcel is on its way, for the customer to print.",
            responses={
                "200": {"description": "The label (PDF, or ZPL for a thermal printer).",
                        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}},
                                    "text/plain": {"schema": {"type": "string"}}}},
                "404": _error("`order_not_found`; `label_not_found`: no such return waiting for its parcel "
                              "with a label."),
            },
        ),
    },
    "/openapi.json": {
        "get": {
            "summary": "This document", "operationId": "openapi", "security": [],
            "responses": {
                "200": {"description": "The OpenAPI 3.1 document.",
                        "content": {"application/json": {"schema": {"type": "object"}}}},
                "405": METHOD_NOT_ALLOWED,
            },
        },
    },
}


def openapi_document():
    """The OpenAPI 3.1 document (a new dict each time)."""
    return copy.deepcopy({
        "openapi": "3.1.0",
        "info": {
            "title": "Click & Collect web-shop API",
            "version": VERSION,
            "description": (
                "Web shops create Click & Collect and ship-from-store orders and follow them.\n\n"
                "Authentication: `Authorization: Bearer <API key>` of the web shop's technical user. "
                "A key sees only its own web shop's orders.\n\n"
                "Texts are Unicode text: no NUL character (the `pattern` of every text field) and no half "
                "of a UTF-16 surrogate pair alone (an escape `\\ud800` to `\\udfff` without its other "
                "half); a required text holds more than white space. Other texts are `invalid_field`.\n\n"
                "Every error is `{\"error\": {\"code\", \"message\"}}`:\n\n" + _error_codes_table()
                + "\n\nStatus changes are POSTed to the web shop's webhook URL: see the `StatusWebhook` "
                  "schema."
            ),
            "license": {"name": "LGPL-3.0-only", "identifier": "LGPL-3.0-only"},
        },
        "servers": [{"url": API_PREFIX}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "An Odoo API key of the web shop's technical user."},
            },
        },
        "webhooks": {
            "orderStatusChanged": {
                "post": {
                    "summary": "A web order of the web shop changed flow state",
                    "requestBody": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/StatusWebhook"}}}},
                    "responses": {"2XX": {"description": "Received; any other answer is retried with "
                                                         "back-off (1, 5, 15 minutes, ... up to a day)."}},
                },
            },
            "orderStoreChanged": {
                "post": {
                    "summary": "The customer chose another pickup store for a web order of the web shop",
                    "requestBody": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/StoreWebhook"}}}},
                    "responses": {"2XX": {"description": "Received; any other answer is retried as the status "
                                                         "webhook."}},
                },
            },
            "orderReturn": {
                "post": {
                    "summary": "Goods of a return came back to a store, or the return was refunded",
                    "requestBody": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ReturnWebhook"}}}},
                    "responses": {"2XX": {"description": "Received; any other answer is retried as the status "
                                                         "webhook."}},
                },
            },
        },
    })
