"""The web-shop API's contract, as data: status codes, error codes, limits (no ORM).

Numeric status codes are part of the contract: they never change and are never reused.
"""

import logging

API_PREFIX = "/api/click_collect/v1"

# Flow state -> numeric status code. 0 means "every state" in filters.
STATUS_CODES = {
    "new": 1,
    "accepted": 2,
    "preparing": 3,
    "in_transit": 4,
    "ready": 5,
    "collected": 6,
    "expired": 7,
    "shipped": 8,
    "failed": 9,
    "returned": 10,
    "delivered": 11,
    "awaiting_cod": 12,
    "done": 13,
    "cancelled": 14,
}
CODE_STATUSES = {code: status for status, code in STATUS_CODES.items()}
ALL_STATUSES = ("all", "All", "0")
# Every value the ``status`` filter takes: every state, a status name, a status code.
STATUS_FILTERS = (*ALL_STATUSES, *STATUS_CODES, *(str(code) for code in STATUS_CODES.values()))

# Payment methods a web shop may send, and the fulfilments each one fits.
API_PAYMENT_METHODS = {
    "online": {"pickup", "ship"},
    "transfer": {"pickup", "ship"},
    "cod": {"ship"},
    "pay_at_store": {"pickup"},
}
# Payments a web shop may register afterwards (POST /orders/<order_no>/payments).
API_REGISTERED_METHODS = ("transfer", "cod", "pay_at_store")

LIST_DEFAULT_LIMIT = 50
LIST_MAX_LIMIT = 200
MAX_LINES = 500
MAX_QTY = 1_000_000
MAX_AMOUNT = 1_000_000_000
MAX_INT = 2**31 - 1
MAX_TEXT = 1000
# Text fields (JSON Schema ``pattern``): no NUL character; a required one holds something else
# than white space (the characters Python's str.strip() removes). A text holding half of a
# surrogate pair alone is refused too, which no regular expression says to every validator.
WHITE_SPACE = "\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
TEXT_PATTERN = "^[^\\u0000]*$"
REQUIRED_TEXT_PATTERN = f"^[^\\u0000]*[^\\u0000{WHITE_SPACE}][^\\u0000]*$"
MAX_IDEMPOTENCY_KEY = 255
# An Idempotency-Key: visible ASCII characters, spaces inside only (HTTP trims a value's ends).
IDEMPOTENCY_KEY_PATTERN = "^[!-~](?:[ -~]*[!-~])?$"
# The largest body a route takes (bytes): a larger one is refused before it is read.
MAX_BODY = 1024 * 1024

# Stable error codes: (HTTP status, meaning). The README and the OpenAPI document list them.
ERRORS = {
    "malformed_json": (400, "The body is not a JSON object."),
    "missing_field": (400, "A required field is missing."),
    "invalid_field": (400, "A field has the wrong type or an impossible value."),
    "invalid_parameter": (400, "A query parameter or header has an impossible value."),
    "unauthorized": (401, "No API key, or a wrong or expired one."),
    "no_web_shop": (403, "The API key's user is the technical user of no active web shop."),
    "order_not_found": (404, "Order could not be found"),
    "not_found": (404, "No such route."),
    "label_not_found": (404, "The order has no such return waiting for its parcel with a courier's label."),
    "method_not_allowed": (405, "The route does not take this HTTP method (the Allow header lists those it takes)."),
    "invalid_transition": (409, "The order's flow does not allow this change now."),
    "idempotency_conflict": (409, "The Idempotency-Key was used before with another body."),
    "duplicate_external_ref": (409, "The web shop already sent an order (or announced a return of the order) "
                                    "with this external_ref."),
    "order_closed": (409, "The order is cancelled or finished: it takes no payment."),
    "order_not_returnable": (409, "The order is not collected or delivered: its goods cannot come back."),
    "length_required": (411, "A body comes with its Content-Length header, never in chunks: it was not read."),
    "payload_too_large": (413, f"The body is larger than {MAX_BODY // 1024} KiB: it was not read."),
    "unknown_variant": (422, "A line names a product variant or EAN that matches no product for sale."),
    "ambiguous_ean": (422, "A line's EAN matches several products: it is refused, never guessed."),
    "unknown_store": (422, "No store has this code."),
    "fulfilment_not_offered": (422, "The store does not take orders of this fulfilment (pickup or ship)."),
    "unknown_country": (422, "The customer's country_code is not an ISO 3166-1 alpha-2 code Odoo knows."),
    "invalid_quantity": (422, "A quantity is not a positive number."),
    "invalid_payment_method": (422, "This payment method does not fit this fulfilment, or cannot be registered."),
    "invalid_amount": (422, "A payment amount is not a positive number."),
    "refused": (422, "Odoo refused the request; the message says why."),
    "internal_error": (500, "The server failed; the request changed nothing."),
    "busy": (503, "Other requests kept changing the same goods or order; the request changed nothing: "
                  "send it again after Retry-After seconds (with the same Idempotency-Key)."),
}


class ApiError(Exception):
    """An answer of the API with an error status: raising it rolls the transaction back."""

    # the server logs a refused request as one line, without a traceback
    loglevel = logging.INFO

    def __init__(self, code, message=None, *, status=None, headers=None):
        self.code = code
        self.status = status or ERRORS[code][0]
        self.message = message or ERRORS[code][1]
        self.headers = list(headers or [])  # [(name, value)] of the answer
        super().__init__(self.message)

    def to_dict(self):
        return {"error": {"code": self.code, "message": self.message}}


def format_datetime(value):
    """A naive UTC datetime of the ORM as ISO 8601 with its zone (``2025-01-31T08:00:00Z``)."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None
