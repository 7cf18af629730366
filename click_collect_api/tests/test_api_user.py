import json
import xmlrpc.client

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import mute_logger, new_test_user, tagged

from .common_api import ClickCollectApiCommon


@tagged("post_install", "-at_install")
class TestWebShopTechnicalUser(ClickCollectApiCommon):
    """The web shop's technical user holds the web-shop API and nothing else of Odoo."""

    def _json2(self, key, model, method, **params):
        with mute_logger("odoo.http"):
            return self.url_open(f"/json/2/{model}/{method}", data=json.dumps(params), timeout=60,
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})

    def _xmlrpc(self, key, model, method, *args, **kwargs):
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, self.shop_user.login, key, {})
        with mute_logger("odoo.http"):
            return self.xmlrpc_object.execute_kw(db, uid, key, model, method, list(args), kwargs)

    def test_web_shop_key_opens_no_partner_nor_product_through_odoos_own_apis(self):
        """Replays a web shop (or whoever got hold of its API key) reading Odoo's customers and
        catalogue with that key over /json/2 and XML-RPC, beside the web-shop API: refused
        there, while the web-shop API answers as ever."""
        self.assertTrue(self.shop_user.share, "an external user, in no internal-user group")
        for model in ("res.partner", "product.product", "res.users", "account.move"):
            with self.subTest(api="/json/2", model=model):
                response = self._json2(self.key, model, "search_read", domain=[], fields=["display_name"])
                self.assertEqual(response.status_code, 403, response.text)
                self.assertNotIn(self.customer.name, response.text)
        # its own orders are all it reads of the sales, as through the web-shop API
        others = self._shop_order(shop=self.other_shop, store=self.store_b) | self._order()
        response = self._json2(self.key, "sale.order", "search_read", domain=[("id", "in", others.ids)],
                               fields=["name"])
        self.assertEqual((response.status_code, response.json()), (200, []))
        for model in ("res.partner", "product.product"):
            with self.subTest(api="XML-RPC", model=model), self.assertRaises(xmlrpc.client.Fault) as caught:
                self._xmlrpc(self.key, model, "search_read", [], fields=["display_name"])
            self.assertIn("You are not allowed to access", caught.exception.faultString)
        # the web-shop API works with the same key: orders by EAN and variant, with its store
        body = self._create()
        self.assertEqual((body["store"], len(body["lines"])), (self.store_a.code, 2))
        response = self._call("GET", f"/orders/{body['order_no']}")
        self.assertEqual(response.status_code, 200, response.text)
        response = self._call("POST", f"/orders/{body['order_no']}/cancel", {"reason": "changed mind"})
        self.assertEqual((response.status_code, response.json()["status"]), (200, "cancelled"), response.text)

    def test_web_shop_form_makes_a_technical_user_with_the_api_group_alone(self):
        """Replays "Create and edit" on the web shop's Technical User: Odoo's new-user defaults
        made it an administrator of Sales, Accounting, Inventory and POS. The web shop's button
        makes an external user in the group Web Shop (API) alone, whose key works on the API."""
        admin = self.env.ref("base.user_admin")
        shop = self.env["click_collect.web.shop"].with_user(admin).create({
            "name": "Form Shop", "code": "FORM", "default_store_id": self.store_b.id,
        })
        shop.action_create_technical_user()
        user = shop.user_id
        api_group = self.env.ref("click_collect_api.group_web_shop_api")
        self.assertTrue(user.share)
        self.assertEqual(user.all_group_ids, api_group, "the API group and nothing implied, no default")
        key = shop.action_new_api_key()["context"]["default_key"]
        response = self._call("GET", "/orders", key=key)
        self.assertEqual((response.status_code, response.json()["total"]), (200, 0), response.text)
        self.assertEqual(self._json2(key, "res.partner", "search_read", domain=[]).status_code, 403)
        # only administrators make one
        other = self.env["click_collect.web.shop"].create({"name": "Other Form Shop", "code": "FORM2"})
        with self.assertRaises(AccessError):
            other.with_user(self.user_manager).action_create_technical_user()

    def test_an_internal_user_is_no_technical_user(self):
        """Replays the web shop form's "Create and edit" (or picking an existing employee): an
        internal user, whose key would open all of Odoo, as technical user. Refused."""
        internal = new_test_user(self.env, "cc_test_internal_api",
                                 groups="base.group_user,click_collect_api.group_web_shop_api")
        with self.assertRaises(ValidationError):
            self.shop.user_id = internal
        with self.assertRaises(ValidationError):
            self.env["click_collect.web.shop"].create({"name": "X", "code": "XINT", "user_id": internal.id})

    def test_demo_web_shop_user_is_external(self):
        """The demo's technical user (cc_webshop_api) is an external user in the API group alone."""
        user = self.env.ref("click_collect_api.user_web_shop", raise_if_not_found=False)
        if not user:
            self.skipTest("no demo data")
        self.assertTrue(user.share)
        self.assertEqual(user.all_group_ids, self.env.ref("click_collect_api.group_web_shop_api"))
