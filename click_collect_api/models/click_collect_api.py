import math
from datetime import UTC, datetime

from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from odoo.addons.click_collect import const
from odoo.addons.click_collect.tools.text import has_lone_surrogate, storable

from ..tools import api_contract
from ..tools.api_contract import ApiError


def finite(number):
    """A JSON number Odoo can count with: a float that is not NaN nor infinite, or an integer
    a float holds (a JSON integer may have any number of digits)."""
    try:
        return math.isfinite(number)
    except OverflowError:
        return False


class ClickCollectApi(models.AbstractModel):
    """The web-shop API: what each route does, as the web shop's technical user.

    The controller (controllers/api.py) parses HTTP and renders JSON; this model checks the
    payloads, creates, finds and moves the web shop's orders, and describes them. Every refusal
    raises an ``ApiError``: the request's transaction is rolled back, nothing is half-created.
    """

    _name = "click_collect.api"
    _description = "Web-Shop API"

    # ------------------------------------------------------------------ the caller

    @api.model
    def _web_shop(self):
        """The active web shop whose technical user is calling (record rules apply)."""
        shop = self.env["click_collect.web.shop"]
        if self.env.user.has_group("click_collect_api.group_web_shop_api"):
            shop = shop.search([("user_id", "=", self.env.uid)], limit=1)
        if not shop:
            raise ApiError("no_web_shop", self.env._(
                "The user of this API key is the technical user of no active web shop.",
            ))
        return shop

    @api.model
    def _describe(self, orders):
        """The orders as the API answers them (a list of dicts).

        The technical user found them through its record rules: its own web shop's orders.
        Describing them reads their stores, products, currency and carrier, which that user
        has no right to read (its API key must not open the catalogue nor the stores).
        """
        orders.check_access("read")
        # sudo: the orders are the caller's (checked above); see the docstring
        return orders.sudo()._cc_api_describe()

    @api.model
    def _find_order(self, shop, order_no):
        """The web shop's order by number: 404 for unknown numbers and other shops' orders."""
        order_no = (order_no or "").strip()
        order = self.env["sale.order"]
        if order_no and len(order_no) <= 64 and storable(order_no):
            order = order.search([
                ("name", "=", order_no), ("cc_web_shop_id", "=", shop.id), ("cc_fulfilment", "!=", False),
            ], limit=1)
        if not order:
            raise ApiError("order_not_found", self.env._("Order could not be found"))
        return order

    # ------------------------------------------------------------------ payload checks

    @api.model
    def _text(self, payload, key, *, required=False, where="", max_length=api_contract.MAX_TEXT):
        """A string field of the payload (stripped), or None."""
        value = payload.get(key)
        name = f"{where}{key}"
        if value is None or value == "":
            if required:
                raise ApiError("missing_field", self.env._("The field %(name)s is required.", name=name))
            return None
        if not isinstance(value, str):
            raise ApiError("invalid_field", self.env._("The field %(name)s must be a text.", name=name))
        if len(value) > max_length:
            raise ApiError("invalid_field", self.env._(
                "The field %(name)s must be a text of at most %(max)s characters.", name=name, max=max_length,
            ))
        if "\x00" in value:
            raise ApiError("invalid_field", self.env._(
                "The field %(name)s holds the NUL character (\\u0000), which no text may hold.", name=name,
            ))
        if has_lone_surrogate(value):
            raise ApiError("invalid_field", self.env._(
                "The field %(name)s holds half of a UTF-16 surrogate pair alone (\\ud800 to \\udfff): "
                "it is no Unicode text.", name=name,
            ))
        value = value.strip()
        if required and not value:
            raise ApiError("missing_field", self.env._("The field %(name)s is required.", name=name))
        return value or None

    @api.model
    def _object(self, payload, key):
        value = payload.get(key)
        if value is None:
            raise ApiError("missing_field", self.env._("The field %(name)s is required.", name=key))
        if not isinstance(value, dict):
            raise ApiError("invalid_field", self.env._("The field %(name)s must be an object.", name=key))
        return value

    @api.model
    def _number(self, value, name):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ApiError("invalid_field", self.env._("The field %(name)s must be a number.", name=name))
        return value

    # ------------------------------------------------------------------ create

    @api.model
    def _create_order(self, shop, payload, reserve_later=False):
        """POST /orders: check everything first, then create and confirm the order in one go.

        :param bool reserve_later: confirm without reserving the goods; a scheduled job
            reserves them once the order is committed (``sale.order._cc_cron_reserve``), so
            that many orders of the same goods at one store are created side by side
        """
        order_in = self._check_order(payload)
        store = self._find_store(shop, order_in["store"])
        if not store._cc_does(order_in["fulfilment"]):
            raise ApiError("fulfilment_not_offered", store._cc_fulfilment_refusal(order_in["fulfilment"]))
        products = self._find_products(shop, order_in["lines"])
        Order = self.env["sale.order"]
        if Order.search_count([
            ("cc_web_shop_id", "=", shop.id), ("cc_external_ref", "=", order_in["external_ref"]),
        ], limit=1):
            raise ApiError("duplicate_external_ref", self.env._(
                "The web shop already sent an order %(ref)s.", ref=order_in["external_ref"],
            ))

        # sudo: the technical user only reads its web shop's orders; creating and confirming a
        # sales order runs pricing, stock and accounting on its behalf. Everything it asked for
        # was checked above, and the order belongs to its web shop.
        env = self.sudo().with_company(shop.company_id).with_context(
            cc_channel="api", mail_create_nosubscribe=True,
        ).env
        partner, shipping = env["click_collect.api"]._customer_partners(shop, order_in["customer"])
        values = {
            "partner_id": partner.id,
            "partner_shipping_id": shipping.id,
            "company_id": shop.company_id.id,
            "cc_fulfilment": order_in["fulfilment"],
            "cc_store_id": store.id,
            "cc_payment_method": order_in["method"],
            "cc_web_shop_id": shop.id,
            "cc_external_ref": order_in["external_ref"],
            "client_order_ref": order_in["external_ref"],
            "cc_reservation_pending": reserve_later,
            # the salesperson is Odoo's (the customer's), never the technical user: an external user
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": line["qty"]})
                for product, line in zip(products, order_in["lines"], strict=True)
            ],
        }
        if shop.team_id:
            values["team_id"] = shop.team_id.id
        if shop.pricelist_id:
            values["pricelist_id"] = shop.pricelist_id.id
        order = env["sale.order"].create(values)
        order.action_confirm()
        if order_in["note"]:
            order.message_post(body=self.env._("Note from the web shop: %(note)s", note=order_in["note"]),
                               subtype_xmlid="mail.mt_note")
        if order_in["paid"]:
            if order_in["method"] == "online":
                order._cc_api_register_online_payment(order.amount_total, order_in["reference"])
            else:
                order._cc_register_payment(order.amount_total, order_in["reference"], method=order_in["method"])
        return order.with_env(self.env)

    @api.model
    def _check_order(self, payload):
        """The body of POST /orders, checked (no query but the country's)."""
        if not isinstance(payload, dict):
            raise ApiError("malformed_json", self.env._("The body must be a JSON object."))
        order_in = {
            "external_ref": self._text(payload, "external_ref", required=True, max_length=255),
            "fulfilment": self._text(payload, "fulfilment", required=True),
            "customer": self._check_customer(self._object(payload, "customer")),
            "note": self._text(payload, "note", max_length=10000),
            "store": self._text(payload, "store", max_length=64),
        }
        if order_in["fulfilment"] not in dict(const.FULFILMENTS):
            raise ApiError("invalid_field", self.env._("fulfilment must be pickup or ship."))
        order_in.update(self._check_payment(self._object(payload, "payment"), order_in["fulfilment"]))
        raw_lines = payload.get("lines")
        if raw_lines is None:
            raise ApiError("missing_field", self.env._("The field lines is required."))
        if not isinstance(raw_lines, list) or not raw_lines or len(raw_lines) > api_contract.MAX_LINES:
            raise ApiError("invalid_field", self.env._(
                "lines must be a list of 1 to %(max)s lines.", max=api_contract.MAX_LINES,
            ))
        order_in["lines"] = [self._check_line(line, index) for index, line in enumerate(raw_lines)]
        return order_in

    @api.model
    def _check_payment(self, payment, fulfilment):
        method = self._text(payment, "method", required=True, where="payment.")
        if method not in api_contract.API_PAYMENT_METHODS:
            raise ApiError("invalid_field", self.env._(
                "payment.method must be one of %(methods)s.", methods=", ".join(api_contract.API_PAYMENT_METHODS),
            ))
        paid = payment.get("paid", False)
        if not isinstance(paid, bool):
            raise ApiError("invalid_field", self.env._("payment.paid must be true or false."))
        reference = self._text(payment, "reference", where="payment.", max_length=255)
        if paid and not reference:
            raise ApiError("missing_field", self.env._("A paid order needs payment.reference."))
        if fulfilment not in api_contract.API_PAYMENT_METHODS[method]:
            raise ApiError("invalid_payment_method", self.env._(
                "Payment method %(method)s does not fit fulfilment %(fulfilment)s "
                "(pay_at_store is for pickup orders, cod for ship orders).",
                method=method, fulfilment=fulfilment,
            ))
        if paid and method not in ("online", "transfer"):
            raise ApiError("invalid_payment_method", self.env._(
                "A %(method)s order is paid to the courier or at the counter, not in the web shop: "
                "send it with paid false.", method=method,
            ))
        return {"method": method, "paid": paid, "reference": reference}

    @api.model
    def _check_customer(self, customer):
        values = {
            key: self._text(customer, key, where="customer.", max_length=255)
            for key in ("name", "email", "phone", "street", "city", "zip", "country_code")
        }
        if not values["name"]:
            raise ApiError("missing_field", self.env._("The field customer.name is required."))
        if not values["email"]:
            raise ApiError("missing_field", self.env._("The field customer.email is required."))
        values["email"] = email_normalize(values["email"])
        if not values["email"]:
            raise ApiError("invalid_field", self.env._("customer.email is not an email address."))
        if values["country_code"]:
            # sudo: the technical user reads nothing but its web shop's orders
            country = self.env["res.country"].sudo().search([("code", "=", values["country_code"].upper())], limit=1)
            if not country:
                raise ApiError("unknown_country", self.env._(
                    "No country has the code %(code)s.", code=values["country_code"],
                ))
            values["country_id"] = country.id
        return values

    @api.model
    def _check_line(self, line, index):
        where = f"lines[{index}]"
        if not isinstance(line, dict):
            raise ApiError("invalid_field", self.env._("%(line)s must be an object.", line=where))
        if "qty" not in line:
            raise ApiError("missing_field", self.env._("The field %(line)s.qty is required.", line=where))
        qty = self._number(line["qty"], f"{where}.qty")
        if not finite(qty) or qty <= 0 or qty > api_contract.MAX_QTY:
            raise ApiError("invalid_quantity", self.env._(
                "%(line)s.qty must be a positive number of at most %(max)s.", line=where, max=api_contract.MAX_QTY,
            ))
        has_variant, has_ean = line.get("variant_id") is not None, line.get("ean") is not None
        if has_variant == has_ean:
            raise ApiError("missing_field" if not has_variant else "invalid_field", self.env._(
                "%(line)s needs either variant_id or ean.", line=where,
            ))
        if has_variant:
            variant_id = line["variant_id"]
            if isinstance(variant_id, bool) or not isinstance(variant_id, int):
                raise ApiError("invalid_field", self.env._("%(line)s.variant_id must be an integer.", line=where))
            return {"variant_id": variant_id, "qty": qty, "where": where}
        ean = self._text(line, "ean", required=True, where=f"{where}.", max_length=64)
        return {"ean": ean, "qty": qty, "where": where}

    @api.model
    def _find_store(self, shop, code):
        if not code:
            if not shop.default_store_id:
                raise ApiError("missing_field", self.env._(
                    "The field store is required: the web shop has no default store.",
                ))
            return shop.default_store_id
        # sudo: the technical user needs not read warehouses to name a store by its code
        store = self.env["stock.warehouse"].sudo().search([
            ("code", "=", code), ("cc_is_store", "=", True), ("company_id", "=", shop.company_id.id),
        ], limit=1)
        if not store:
            raise ApiError("unknown_store", self.env._("No store has the code %(code)s.", code=code))
        return store

    @api.model
    def _find_products(self, shop, lines):
        """The product of each line, by variant id or EAN: two queries for all lines."""
        # sudo: the technical user cannot read the catalogue (its API key opens nothing but the
        # API); the API names the products of its lines, saleable in its web shop's company
        Product = self.env["product.product"].sudo().with_company(shop.company_id)
        saleable = [("sale_ok", "=", True), ("company_id", "in", [False, shop.company_id.id])]
        ids = {line["variant_id"] for line in lines if "variant_id" in line}
        valid_ids = {i for i in ids if 0 < i <= api_contract.MAX_INT}
        by_id = {p.id: p for p in Product.search([("id", "in", list(valid_ids)), *saleable])} if valid_ids else {}
        eans = {line["ean"] for line in lines if "ean" in line}
        by_ean = {}
        if eans:
            for barcode, products in Product._read_group(
                [("barcode", "in", list(eans)), *saleable], ["barcode"], ["id:recordset"],
            ):
                by_ean[barcode] = products
        result = []
        for line in lines:
            if "variant_id" in line:
                product = by_id.get(line["variant_id"])
                if not product:
                    raise ApiError("unknown_variant", self.env._(
                        "%(line)s: no product for sale has the variant id %(id)s.",
                        line=line["where"], id=line["variant_id"],
                    ))
            else:
                products = by_ean.get(line["ean"])
                if not products:
                    raise ApiError("unknown_variant", self.env._(
                        "%(line)s: no product for sale has the EAN %(ean)s.", line=line["where"], ean=line["ean"],
                    ))
                if len(products) > 1:
                    raise ApiError("ambiguous_ean", self.env._(
                        "%(line)s: the EAN %(ean)s belongs to %(count)s products; send their variant_id instead.",
                        line=line["where"], ean=line["ean"], count=len(products),
                    ))
                product = products
            result.append(product)
        return result

    @api.model
    def _customer_partners(self, shop, customer):
        """The customer matched by email, or created; and the address to ship to.

        A known customer who gives another address gets it as a delivery address of theirs.
        """
        Partner = self.env["res.partner"]
        address = {
            key: customer[key] or False for key in ("street", "city", "zip")
        }
        address["country_id"] = customer.get("country_id") or False
        partner = Partner.search([
            ("email_normalized", "=", customer["email"]),
            ("company_id", "in", [False, shop.company_id.id]),
            ("type", "=", "contact"),
        ], order="id", limit=1)
        if not partner:
            partner = Partner.create({
                "name": customer["name"], "email": customer["email"], "phone": customer["phone"] or False,
                **address,
            })
            return partner, partner
        if not any(address.values()) or all(
            (partner[key].id if key == "country_id" else partner[key]) == value for key, value in address.items()
        ):
            return partner, partner
        shipping = Partner.create({
            "parent_id": partner.id, "type": "delivery", "name": customer["name"],
            "phone": customer["phone"] or False, **address,
        })
        return partner, shipping

    # ------------------------------------------------------------------ list

    @api.model
    def _parse_status(self, status):
        """The ``status`` filter: one of api_contract.STATUS_FILTERS (exactly as the document
        lists them), or absent."""
        if status is None or status in api_contract.ALL_STATUSES:
            return None
        if status in api_contract.STATUS_CODES:
            return status
        if status in api_contract.STATUS_FILTERS:
            return api_contract.CODE_STATUSES[int(status)]
        raise ApiError("invalid_parameter", self.env._(
            "status must be all, 0, a status name or its code (see the status table), not %(status)s.",
            status=repr(status[:50]),
        ))

    @api.model
    def _parse_datetime(self, value):
        try:
            moment = datetime.fromisoformat(value.strip())
        except (ValueError, AttributeError):
            raise ApiError("invalid_parameter", self.env._(
                "updated_since must be an ISO 8601 date and time, such as 2025-01-31T08:00:00Z.",
            )) from None
        if moment.tzinfo:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment

    @api.model
    def _parse_int(self, value, name, default, minimum, maximum):
        if value is None:  # absent; an empty value is no integer
            return default
        # ASCII digits only, and few of them: int() takes neither "²" nor 5000 digits
        if not (value.isascii() and value.isdigit() and len(value) <= 10) or not minimum <= int(value) <= maximum:
            raise ApiError("invalid_parameter", self.env._(
                "%(name)s must be an integer from %(min)s to %(max)s.", name=name, min=minimum, max=maximum,
            ))
        return int(value)

    @api.model
    def _list_orders(self, shop, params):
        status = self._parse_status(params.get("status"))
        limit = self._parse_int(params.get("limit"), "limit", api_contract.LIST_DEFAULT_LIMIT, 1,
                                api_contract.LIST_MAX_LIMIT)
        offset = self._parse_int(params.get("offset"), "offset", 0, 0, api_contract.MAX_INT)
        domain = [("cc_web_shop_id", "=", shop.id), ("cc_fulfilment", "!=", False)]
        if status:
            domain.append(("cc_state", "=", status))
        if "updated_since" in params:  # an empty one is no date
            domain.append(("write_date", ">=", self._parse_datetime(params["updated_since"])))
        Order = self.env["sale.order"]
        orders = Order.search(domain, order="write_date, id", limit=limit, offset=offset)
        # a page that is neither full nor empty tells the total without counting
        total = offset + len(orders) if 0 < len(orders) < limit else Order.search_count(domain)
        return {"orders": self._describe(orders), "total": total, "limit": limit, "offset": offset}

    # ------------------------------------------------------------------ cancel and pay

    @api.model
    def _cancel_order(self, shop, order_no, payload):
        order = self._find_order(shop, order_no)
        reason = self._text(payload, "reason", max_length=10000) if isinstance(payload, dict) else None
        if "cancelled" not in order._cc_allowed_targets():
            raise ApiError("invalid_transition", self.env._(
                "Order %(order)s is %(state)s: it cannot be cancelled any more.",
                order=order.name, state=order.cc_state,
            ))
        try:
            # sudo: the web shop cancels for its customer, on its own order (found through its
            # record rules); the door still applies the flow's table and guards.
            order.sudo()._cc_transition("cancelled", channel="api", note=reason, check_group=False)
        except UserError as exc:
            raise ApiError("invalid_transition", exc.args[0]) from None
        return order

    @api.model
    def _register_payment(self, shop, order_no, payload):
        if not isinstance(payload, dict):
            raise ApiError("malformed_json", self.env._("The body must be a JSON object."))
        order = self._find_order(shop, order_no)
        if "amount" not in payload:
            raise ApiError("missing_field", self.env._("The field amount is required."))
        amount = self._number(payload["amount"], "amount")
        reference = self._text(payload, "reference", required=True, max_length=255)
        method = self._text(payload, "method") or order.cc_payment_method
        if method not in api_contract.API_REGISTERED_METHODS:
            raise ApiError("invalid_payment_method", self.env._(
                "Payments registered through the API are %(methods)s; an online payment is sent with "
                "the order (payment.paid).", methods=", ".join(api_contract.API_REGISTERED_METHODS),
            ))
        # sudo: the order's currency, which the technical user does not read
        if not finite(amount) or order.sudo().currency_id.compare_amounts(amount, 0) <= 0 \
                or amount > api_contract.MAX_AMOUNT:
            raise ApiError("invalid_amount", self.env._("amount must be a positive number."))
        if order.cc_state in const.FINAL_STATES or order.state == "cancel":
            raise ApiError("order_closed", self.env._(
                "Order %(order)s is %(state)s: it takes no payment.", order=order.name, state=order.cc_state,
            ))
        try:
            # sudo: see _cancel_order; the payment is booked as the web shop's technical user.
            order.sudo()._cc_register_payment(amount, reference, method=method)
        except UserError as exc:
            raise ApiError("invalid_payment_method", exc.args[0]) from None
        return order
