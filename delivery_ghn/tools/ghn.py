"""Giao Hang Nhanh (GHN) public API v2, the operations click_collect uses. No ORM here.

https://api.ghn.vn/home/docs : shipping-order fee / create / detail, switch-status cancel and
return, a5/gen-token for labels. Every answer is {"code": 200, "message": ..., "data": ...};
the credentials are a token and a shop id sent as headers.
"""

from odoo.addons.delivery_courier_base.tools.courier import CourierError, HttpTransport

TEST_URL = "https://dev-online-gateway.ghn.vn"
PROD_URL = "https://online-gateway.ghn.vn"


class GhnClient:
    def __init__(self, token, shop_id, *, base_url=TEST_URL, timeout=15.0, retries=2, backoff=0.5, session=None):
        if not token or not shop_id:
            raise CourierError("GHN needs an API token and a shop id.")
        self.token = token
        self.shop_id = str(shop_id)
        self.base_url = base_url.rstrip("/")
        self.http = HttpTransport(timeout=timeout, retries=retries, backoff=backoff, session=session, carrier="GHN")

    def _call(self, method, path, payload=None, params=None):
        url = f"{self.base_url}/shiip/public-api{path}"
        response = self.http.request(
            method, url, json=payload, params=params,
            headers={"Token": self.token, "ShopId": self.shop_id, "Content-Type": "application/json"},
        )
        try:
            body = response.json()
        except ValueError:
            raise CourierError("GHN answered something that is not JSON.",
                               carrier_message=response.text[:300], status=response.status_code, url=url) from None
        if not isinstance(body, dict):
            raise CourierError("GHN answered an unexpected document.", status=response.status_code, url=url)
        if response.status_code != 200 or body.get("code") != 200:
            raise CourierError("GHN refused the request.", carrier_message=str(body.get("message") or body),
                               status=response.status_code, url=url)
        return body.get("data")

    def fee(self, payload):
        """Price of a shipment (``shipping-order/fee``): the total, in VND."""
        return self._call("POST", "/v2/shipping-order/fee", payload)

    def create_order(self, payload):
        """Create a shipment (``shipping-order/create``): order_code, total_fee, ..."""
        data = self._call("POST", "/v2/shipping-order/create", payload)
        if not data or not data.get("order_code"):
            raise CourierError("GHN did not return a tracking number.")
        return data

    def order_detail(self, order_code):
        """Status of one shipment (``shipping-order/detail``)."""
        data = self._call("POST", "/v2/shipping-order/detail", {"order_code": order_code})
        if not isinstance(data, dict):
            raise CourierError("GHN answered an unexpected document.", carrier_message=str(data)[:300])
        return data

    def cancel(self, order_codes):
        return self._call("POST", "/v2/switch-status/cancel", {"order_codes": list(order_codes)})

    def return_orders(self, order_codes):
        return self._call("POST", "/v2/switch-status/return", {"order_codes": list(order_codes)})

    def label(self, order_codes):
        """The printable label of shipments: a print token, then the A5 print page (PDF)."""
        data = self._call("POST", "/v2/a5/gen-token", {"order_codes": list(order_codes)})
        token = (data or {}).get("token")
        if not token:
            raise CourierError("GHN did not return a print token.")
        response = self.http.request("GET", f"{self.base_url}/a5/public-api/printA5", params={"token": token})
        if response.status_code != 200 or not response.content:
            raise CourierError("GHN did not return the label.", status=response.status_code)
        return response.content, response.headers.get("Content-Type", "application/pdf")

    def ping(self):
        """Test the credentials: the shop's stores (``v2/shop/all``)."""
        return self._call("POST", "/v2/shop/all", {"offset": 0, "limit": 1})
