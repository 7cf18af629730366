import math

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal

from ..tools.order_barcode import code128_png, qr_png


class ClickCollectPortal(CustomerPortal):
    """The tracking page of a web order, its code images, and the public "track my order" form.

    The page is reached by the customer's portal login or by the order's access token (the link
    of every customer message); anything else answers 404 and shows nothing of the order.
    """

    def _cc_tracked_order(self, order_id, access_token):
        """The web order (sudo) when the visitor may see it, else raise NotFound."""
        try:
            # checks the visitor's own access first, then the token with consteq
            order_sudo = self._document_check_access("sale.order", order_id, access_token=access_token)
        except (AccessError, MissingError):
            raise NotFound() from None
        if not order_sudo.cc_fulfilment:
            raise NotFound()
        return order_sudo

    @http.route("/order/track/<int:order_id>", type="http", auth="public", website=True, sitemap=False)
    def cc_tracking_page(self, order_id, access_token=None, **kw):
        order_sudo = self._cc_tracked_order(order_id, access_token)
        return request.render("click_collect.portal_order_tracking_page", {
            "order": order_sudo,
            "access_token": access_token,
            "portal_url": order_sudo.get_portal_url(),
        })

    @http.route("/order/track/<int:order_id>/<string:kind>.png", type="http", auth="public", sitemap=False)
    def cc_tracking_image(self, order_id, kind, access_token=None, **kw):
        """The order's Code 128 barcode (``barcode``) or the QR code of its pickup code (``qr``)."""
        if kind not in ("barcode", "qr"):
            raise NotFound()
        order_sudo = self._cc_tracked_order(order_id, access_token)
        if kind == "barcode":
            image = code128_png(order_sudo.name)
        elif order_sudo.cc_pickup_code:
            image = qr_png(order_sudo.cc_pickup_code)
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
