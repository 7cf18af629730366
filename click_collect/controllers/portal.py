import math

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal

from ..tools.order_barcode import code128_png, qr_png


class ClickCollectPortal(CustomerPortal):
    """The tracking page of a web order, its code images, and the public "track my order" form.

    The page shows the pickup code (and its QR code) to the customer alone: the visitor of the
    link of the customer's messages (the order's tracking token), or the customer's own portal
    login; never to an internal user. Odoo's access token (which staff read) and the visitor's
    own access to the order open the page without the code. Anything else answers 404 and
    shows nothing of the order.
    """

    def _cc_tracked_order(self, order_id, token=None, access_token=None):
        """``(the web order (sudo), whether the visitor is its customer, the query string that
        opens its images)`` when the visitor may see the order, else raise NotFound."""
        internal = request.env.user._is_internal()
        # sudo: the visitor of a link has no login; the order opens only with its token
        order_sudo = request.env["sale.order"].sudo().browse(order_id).exists()
        if order_sudo and token and not internal and order_sudo._cc_check_tracking_token(token):
            return order_sudo, True, f"?token={token}"
        try:
            # checks the visitor's own access first, then Odoo's access token with consteq
            order_sudo = self._document_check_access("sale.order", order_id, access_token=access_token)
        except (AccessError, MissingError):
            raise NotFound() from None
        if not order_sudo.cc_fulfilment:
            raise NotFound()
        user = request.env.user
        customer = not internal and user._is_portal() and user.partner_id == order_sudo.partner_id
        return order_sudo, customer, f"?access_token={access_token}" if access_token else ""

    @http.route("/order/track/<int:order_id>", type="http", auth="public", website=True, sitemap=False)
    def cc_tracking_page(self, order_id, token=None, access_token=None, **kw):
        order_sudo, customer, query = self._cc_tracked_order(order_id, token, access_token)
        return request.render("click_collect.portal_order_tracking_page", {
            "order": order_sudo,
            "show_code": customer,
            "image_query": query,
            "portal_url": order_sudo.get_portal_url(),
        })

    @http.route("/order/track/<int:order_id>/<string:kind>.png", type="http", auth="public", sitemap=False)
    def cc_tracking_image(self, order_id, kind, token=None, access_token=None, **kw):
        """The order's Code 128 barcode (``barcode``: its number, for anyone who may see the
        order) or its QR code (``qr``: its number and pickup code, for its customer only)."""
        if kind not in ("barcode", "qr"):
            raise NotFound()
        order_sudo, customer, _query = self._cc_tracked_order(order_id, token, access_token)
        if kind == "barcode":
            image = code128_png(order_sudo.name)
        elif customer and order_sudo._cc_pickup_qr_content():
            image = qr_png(order_sudo._cc_pickup_qr_content())
        else:
            raise NotFound()
        return request.make_response(image, headers=[
            ("Content-Type", "image/png"), ("Cache-Control", "private, max-age=3600"),
        ])

    # ------------------------------------------------------------------ "track my order"

    @http.route("/order/track", type="http", auth="public", website=True, methods=["GET", "POST"],
                sitemap=False)
    def cc_track_form(self, order=None, contact=None, **kw):
        """Order number + email (or zip code) open the tracking page; wrong tries slow down."""
        values = {"order_ref": order or "", "contact": contact or ""}
        if request.httprequest.method != "POST":
            return request.render("click_collect.portal_track_form", values)
        # what a visitor types is only compared: no NUL (PostgreSQL refuses it), of a sane length
        order_ref = (order or "").replace("\x00", "").strip()[:64]
        contact = (contact or "").replace("\x00", "").strip()[:254]
        if not order_ref or not contact:
            values["error"] = request.env._("Give your order number and your email address or zip code.")
            return request.render("click_collect.portal_track_form", values)
        keys = [f"ip:{request.httprequest.remote_addr}", f"order:{order_ref.upper()}"]
        # sudo: the wrong tries are counted for visitors without login
        Attempt = request.env["click_collect.track.attempt"].sudo()
        locked_until = Attempt._cc_locked_until(keys)
        if locked_until:
            minutes = max(1, math.ceil((locked_until - fields.Datetime.now()).total_seconds() / 60))
            values["error"] = request.env._(
                "Too many wrong tries. Try again in %(minutes)s minute(s).", minutes=minutes,
            )
            return request.render("click_collect.portal_track_form", values, status=429)
        order_sudo = self._cc_find_order(order_ref, contact)
        if not order_sudo:
            Attempt._cc_fail(keys)
            values["error"] = request.env._(
                "No order matches this number and this email address or zip code.",
            )
            return request.render("click_collect.portal_track_form", values)
        Attempt._cc_succeed(keys[1:])
        return request.redirect(
            f"/order/track/{order_sudo.id}?access_token={order_sudo._portal_ensure_token()}", local=True,
        )

    def _cc_find_order(self, order_ref, contact):
        """The web order (sudo) of this number (ours or the web shop's) whose customer has this
        email address or zip code, else an empty recordset."""
        # sudo: a visitor without login looks the order up; it is shown only when the email or
        # the zip code matches.
        orders_sudo = request.env["sale.order"].sudo().search([
            ("cc_fulfilment", "!=", False),
            "|", ("name", "=", order_ref.upper()), ("cc_external_ref", "=", order_ref),
        ], limit=2)
        contact_email = contact.lower()
        contact_zip = contact.replace(" ", "").upper()
        for order_sudo in orders_sudo:
            partners = order_sudo.partner_id | order_sudo.partner_shipping_id
            emails = {(email or "").strip().lower() for email in partners.mapped("email")}
            zips = {(zip_code or "").replace(" ", "").upper() for zip_code in partners.mapped("zip")}
            if contact_email in emails - {""} or contact_zip in zips - {""}:
                return order_sudo
        return request.env["sale.order"].sudo().browse()
