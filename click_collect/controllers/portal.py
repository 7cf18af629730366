import math
import re

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import email_normalize

from odoo.addons.sale.controllers.portal import CustomerPortal

from ..models.click_collect_track_attempt import visitor_key
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
        return self._cc_render_tracking_page(order_sudo, customer, query)

    def _cc_render_tracking_page(self, order_sudo, customer, query, error=None, status=200):
        return request.render("click_collect.portal_order_tracking_page", {
            "order": order_sudo,
            "show_code": customer,
            "image_query": query,
            "portal_url": order_sudo.get_portal_url(),
            "cc_error": error,
        }, status=status)

    # ------------------------------------------------------------------ the customer's actions

    @http.route("/order/track/<int:order_id>/cancel", type="http", auth="public", website=True,
                methods=["POST"], sitemap=False)
    def cc_tracking_cancel(self, order_id, token=None, access_token=None, **kw):
        """The customer cancels their order (the link of their messages or their portal login;
        not a visitor of Odoo's access token, which staff read too)."""
        return self._cc_customer_action(order_id, token, access_token, lambda order: order._cc_cancel_by_customer())

    @http.route("/order/track/<int:order_id>/arrival", type="http", auth="public", website=True,
                methods=["POST"], sitemap=False)
    def cc_tracking_arrival(self, order_id, token=None, access_token=None, **kw):
        """The customer of a ready order says they are on their way (``arrival=on_the_way``, an
        optional ``eta`` HH:MM) or here (``arrived``), with an optional ``note``."""
        return self._cc_customer_action(
            order_id, token, access_token,
            lambda order: order._cc_announce_arrival(kw.get("arrival"), eta=kw.get("eta"), note=kw.get("note")),
        )

    @http.route("/order/track/<int:order_id>/store", type="http", auth="public", website=True,
                methods=["POST"], sitemap=False)
    def cc_tracking_store(self, order_id, token=None, access_token=None, **kw):
        """The customer picks the order up at another store (``store_id``), before it is
        prepared."""
        return self._cc_customer_action(
            order_id, token, access_token, lambda order: order._cc_change_store_by_customer(kw.get("store_id")),
        )

    def _cc_customer_action(self, order_id, token, access_token, act):
        """Run ``act(order)`` for the order's customer only (404 for anyone else), then show the
        page again; a refusal (the order moved on meanwhile, a wrong value) is shown on the page
        (409) and nothing of it is kept."""
        order_sudo, customer, query = self._cc_tracked_order(order_id, token, access_token)
        if not customer:
            raise NotFound()
        try:
            # a refusal after anything was written undoes it all (the page is still answered)
            with request.env.cr.savepoint():
                act(order_sudo.with_context(lang=request.env.lang))
        except UserError as error:
            return self._cc_render_tracking_page(order_sudo, customer, query, error=error.args[0], status=409)
        return request.redirect(f"/order/track/{order_sudo.id}{query}", local=True)

    @http.route("/order/track/<int:order_id>/pickup.ics", type="http", auth="public", website=True,
                sitemap=False)
    def cc_tracking_calendar(self, order_id, token=None, access_token=None, **kw):
        """The pickup window of a ready order, for the visitor's calendar (nothing secret in it:
        for anyone who may see the page)."""
        order_sudo, _customer, _query = self._cc_tracked_order(order_id, token, access_token)
        content = order_sudo.with_context(lang=request.env.lang)._cc_pickup_calendar()
        if not content:
            raise NotFound()
        return request.make_response(content, headers=[
            ("Content-Type", "text/calendar; charset=utf-8"),
            ("Content-Disposition", http.content_disposition(f"{order_sudo.name}-pickup.ics")),
            ("Cache-Control", "private, no-store"),
        ])

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

    @http.route("/order/track/<int:order_id>/return/<int:return_id>/label", type="http", auth="public",
                sitemap=False)
    def cc_tracking_return_label(self, order_id, return_id, token=None, access_token=None, **kw):
        """The courier's label of a return of the order, still waiting for its parcel."""
        order_sudo, _customer, _query = self._cc_tracked_order(order_id, token, access_token)
        ret = order_sudo.cc_return_ids.filtered(lambda r: r.id == return_id and r.state == "requested")
        if not ret.label_id:
            raise NotFound()
        label = ret.label_id
        return request.make_response(label.raw, headers=[
            ("Content-Type", label.mimetype or "application/octet-stream"),
            ("Content-Disposition", http.content_disposition(label.name)),
            ("Cache-Control", "private, max-age=3600"),
        ])

    # ------------------------------------------------------------------ "track my order"

    @http.route("/order/track", type="http", auth="public", website=True, methods=["GET", "POST"],
                sitemap=False)
    def cc_track_form(self, order=None, contact=None, **kw):
        """Order number + the email address or phone number of the order open its tracking page
        without the pickup code (the code is in the customer's messages and on their link only);
        wrong tries slow down, per visitor and per order."""
        values = {"order_ref": order or "", "contact": contact or ""}
        if request.httprequest.method != "POST":
            return request.render("click_collect.portal_track_form", values)
        # what a visitor types is only compared: no NUL (PostgreSQL refuses it), of a sane length
        order_ref = (order or "").replace("\x00", "").strip()[:64]
        contact = (contact or "").replace("\x00", "").strip()[:254]
        if not order_ref or not contact:
            values["error"] = request.env._("Give your order number and your email address or phone number.")
            return request.render("click_collect.portal_track_form", values)
        orders_sudo = self._cc_orders_of_number(order_ref)
        keys = [(visitor_key(request.httprequest.remote_addr), request.env.company.id)] + [
            (f"order:{order_sudo.id}", order_sudo.company_id.id) for order_sudo in orders_sudo
        ]
        # sudo: the wrong tries are counted for visitors without login
        Attempt = request.env["click_collect.track.attempt"].sudo()
        locked_until = Attempt._cc_hold(keys)
        if locked_until:
            minutes = max(1, math.ceil((locked_until - fields.Datetime.now()).total_seconds() / 60))
            values["error"] = request.env._(
                "Too many wrong tries. Try again in %(minutes)s minute(s).", minutes=minutes,
            )
            return request.render("click_collect.portal_track_form", values, status=429)
        order_sudo = next((o for o in orders_sudo if self._cc_contact_matches(o, contact)), None)
        if not order_sudo:
            Attempt._cc_fail(keys)
            values["error"] = request.env._(
                "No order matches this number and this email address or phone number.",
            )
            return request.render("click_collect.portal_track_form", values)
        Attempt._cc_succeed([(f"order:{order_sudo.id}", order_sudo.company_id.id)])
        return request.redirect(
            f"/order/track/{order_sudo.id}?access_token={order_sudo._portal_ensure_token()}", local=True,
        )

    def _cc_orders_of_number(self, order_ref):
        """The web orders (sudo) of this number: ours or the web shop's."""
        # sudo: a visitor without login looks the order up; it is shown only when the email
        # address or the phone number of the order matches.
        return request.env["sale.order"].sudo().search([
            ("cc_fulfilment", "!=", False),
            "|", ("name", "=", order_ref.upper()), ("cc_external_ref", "=", order_ref),
        ], limit=2)

    def _cc_contact_matches(self, order_sudo, contact):
        """Whether ``contact`` is the email address or the phone number of the order's customer
        (or of its delivery address). A phone number matches on its last nine digits, however
        it is written (+32 470 12 34 56, 0470/12.34.56); it needs eight digits at least."""
        partners = order_sudo.partner_id | order_sudo.partner_shipping_id
        if "@" in contact:
            email = email_normalize(contact)
            return bool(email) and email in {email_normalize(p.email or "") for p in partners}
        typed = re.sub(r"\D", "", contact)
        if len(typed) < 8:
            return False
        for phone in filter(None, partners.mapped("phone")):
            known = re.sub(r"\D", "", phone)
            size = min(len(typed), len(known), 9)
            if len(known) >= 8 and typed[-size:] == known[-size:]:
                return True
        return False
