import logging

from werkzeug.exceptions import HTTPException, MethodNotAllowed

from odoo import models
from odoo.exceptions import AccessDenied, AccessError, ConcurrencyError, MissingError, UserError
from odoo.http import SessionExpiredException, request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from odoo.addons.click_collect.tools.http_body import BodyRefused

from ..tools import api_contract
from ..tools.api_contract import ApiError

_logger = logging.getLogger(__name__)
BUSY_RETRY_AFTER = 5  # seconds


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _handle_error(cls, exception):
        """Override of `click_collect`: every error of the web-shop API is a JSON answer
        ``{"error": {"code", "message"}}``, also those raised before its routes run
        (authentication); never a traceback."""
        if request and request.httprequest.path.startswith(api_contract.API_PREFIX + "/"):
            return cls._cc_api_error_response(exception)
        return super()._handle_error(exception)

    @classmethod
    def _cc_api_error(cls, exception):
        if isinstance(exception, ApiError):
            return exception
        if isinstance(exception, BodyRefused):
            if exception.status == 411:
                return ApiError("length_required", request.env._(
                    "The body must come with its Content-Length header, not in chunks: it was not read.",
                ))
            return ApiError("payload_too_large", request.env._(
                "The body is larger than %(size)s KiB: it was not read.", size=exception.limit // 1024,
            ))
        error = None
        if isinstance(exception, (AccessDenied, SessionExpiredException)):
            error = ApiError("unauthorized")
        elif isinstance(exception, HTTPException):
            code = {
                400: "malformed_json", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
            }.get(exception.code)
            allowed = isinstance(exception, MethodNotAllowed) and exception.valid_methods
            error = code and ApiError(code, headers=[("Allow", ", ".join(allowed))] if allowed else None)
        elif isinstance(exception, (AccessError, MissingError)):
            error = ApiError("not_found")
        elif isinstance(exception, (ConcurrencyError, *PG_CONCURRENCY_EXCEPTIONS_TO_RETRY)):
            # every try met a concurrent change: a passing state, worth sending again
            _logger.warning("Web-shop API: %s met concurrent changes at every try", request.httprequest.path)
            error = ApiError("busy")
        elif isinstance(exception, UserError):
            error = ApiError("refused", str(exception.args[0]) if exception.args else None)
        if error:
            return error
        _logger.error("Web-shop API: unexpected error on %s", request.httprequest.path, exc_info=exception)
        return ApiError("internal_error")

    @classmethod
    def _cc_api_error_response(cls, exception):
        error = cls._cc_api_error(exception)
        headers = [("Cache-Control", "no-store"), *error.headers]
        if error.code == "busy":
            headers.append(("Retry-After", str(BUSY_RETRY_AFTER)))
        if error.status == 401:
            headers.append(("WWW-Authenticate", 'Bearer realm="click_collect"'))
        return request.make_json_response(error.to_dict(), headers=headers, status=error.status)
