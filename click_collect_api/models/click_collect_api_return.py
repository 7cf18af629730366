import math

from odoo import api, models
from odoo.exceptions import UserError

from ..tools import api_contract
from ..tools.api_contract import ApiError


class ClickCollectApi(models.AbstractModel):
    """The web-shop API: returns the customer announces online."""

    _inherit = "click_collect.api"

    @api.model
    def _request_return(self, shop, order_no, payload):
        """POST /orders/<order_no>/returns: the customer announced online that goods of the
        order come back (to a store, by hand or by courier); the store receives them later.

        :return: the sale.order
        """
        if not isinstance(payload, dict):
            raise ApiError("malformed_json", self.env._("The body must be a JSON object."))
        order = self._find_order(shop, order_no)
        lines_in = payload.get("lines")
        if lines_in is None:
            raise ApiError("missing_field", self.env._("The field lines is required."))
        if not isinstance(lines_in, list) or not lines_in or len(lines_in) > api_contract.MAX_LINES:
            raise ApiError("invalid_field", self.env._(
                "lines must be a list of 1 to %(max)s lines.", max=api_contract.MAX_LINES))
        checked = [self._check_line(line, index) for index, line in enumerate(lines_in)]
        reason_text = self._text(payload, "reason", max_length=255)
        note = self._text(payload, "note", max_length=10000)
        external_ref = self._text(payload, "external_ref", max_length=255)
        store_code = self._text(payload, "store", max_length=64)
        courier = self._text(payload, "courier", max_length=64)
        tracking_ref = self._text(payload, "tracking_ref", max_length=128)
        return_label = payload.get("return_label", False)
        if not isinstance(return_label, bool):
            raise ApiError("invalid_field", self.env._("return_label must be true or false."))
        if return_label and (courier or tracking_ref):
            raise ApiError("invalid_field", self.env._(
                "Ask for a return_label or give the courier and tracking_ref of a parcel the customer sends "
                "their own way, not both."))
        # sudo: the order is the web shop's own (found through its record rules); its lines,
        # products and stores are read for it, the flow checks the return itself
        order = order.sudo()
        store = self._find_store(shop, store_code) if store_code else order.cc_store_id
        if order.cc_state not in order._cc_returnable_states():
            raise ApiError("order_not_returnable", self.env._(
                "Order %(order)s is %(state)s: only collected or delivered orders can be returned.",
                order=order.name, state=order.cc_state,
            ))
        if external_ref and order.cc_return_ids.filtered(
                lambda r: r.external_ref == external_ref and r.state != "cancelled"):
            raise ApiError("duplicate_external_ref", self.env._(
                "The web shop already announced a return %(ref)s for order %(order)s.",
                ref=external_ref, order=order.name,
            ))
        lines = self._return_lines(order, checked)
        # the retailer's reasons by their name, compared as text (a handful per company)
        reasons = self.env["click_collect.return.reason"].sudo().search(
            [("company_id", "in", [False, order.company_id.id])]) if reason_text else []
        reason = next((r for r in reasons if r.name.casefold() == reason_text.casefold()), None)
        if reason_text and not reason:
            note = f"{reason_text}: {note}" if note else reason_text
        try:
            order._cc_request_return(store, lines, reason=reason, note=note, channel="api",
                                     external_ref=external_ref, courier=courier, tracking_ref=tracking_ref,
                                     return_label=return_label)
        except UserError as exc:
            raise ApiError("refused", exc.args[0]) from None
        return order.sudo(False)

    @api.model
    def _return_label(self, shop, order_no, return_no):
        """GET /orders/<order_no>/returns/<return_no>/label: the courier's label of a return
        of the web shop's order still waiting for its parcel. :return: the ir.attachment"""
        order = self._find_order(shop, order_no)
        # sudo: the returns and the label of the web shop's own order (found through its rules)
        ret = order.sudo().cc_return_ids.filtered(lambda r: r.name == return_no and r.state == "requested")
        if not ret.label_id:
            raise ApiError("label_not_found", self.env._(
                "Order %(order)s has no return %(ret)s waiting for its parcel with a courier's label.",
                order=order.name, ret=(return_no or "")[:64]))
        return ret.label_id

    @api.model
    def _return_lines(self, order, checked):
        """[{sale_line_id, quantity}] of the lines sent: each names goods of the order by
        variant id or EAN; its quantity is taken from the order's lines of those goods in turn."""
        goods = order._cc_returnable_goods()
        quantities = {line: returnable for line, (_d, _a, returnable) in order._cc_return_quantities().items()}
        result = []
        for line_in in checked:
            if "variant_id" in line_in:
                lines = goods.filtered(lambda sol, v=line_in["variant_id"]: sol.product_id.id == v)
            else:
                lines = goods.filtered(lambda sol, e=line_in["ean"]: sol.product_id.barcode == e)
            if not lines:
                raise ApiError("unknown_variant", self.env._(
                    "%(line)s: order %(order)s has no goods with this %(key)s.", line=line_in["where"],
                    order=order.name, key="variant_id" if "variant_id" in line_in else "ean",
                ))
            todo = line_in["qty"]
            for index, line in enumerate(lines):
                take = todo if index == len(lines) - 1 else min(todo, max(quantities[line], 0.0))
                if take > 0 and math.isfinite(take):
                    result.append({"sale_line_id": line.id, "quantity": take})
                    quantities[line] -= take
                    todo -= take
        return result
