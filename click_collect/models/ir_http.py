from odoo import models
from odoo.http import request

from ..tools.http_body import BodyRefused, check_body


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _handle_error(cls, exception):
        """Override of `base`: a courier's callback refused before it was read (too large, or
        of no announced length) is answered in JSON."""
        if request and isinstance(exception, BodyRefused):
            reason = "too large" if exception.status == 413 else "length required"
            return request.make_json_response({"error": reason}, status=exception.status)
        return super()._handle_error(exception)

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """Override of `base`: a route with ``cc_max_body`` refuses a body over that many bytes,
        or of no announced length, here: before the dispatcher parses a form body (read whole by
        werkzeug, even to refuse it) and before the route reads its body."""
        limit = rule.endpoint.routing.get("cc_max_body")
        if limit:
            check_body(request.httprequest, limit)
        return super()._pre_dispatch(rule, args)
