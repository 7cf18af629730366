from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        """Override of `click_collect`: orders of Odoo's own e-shop with "Pick up in store"
        become Click & Collect orders of the chosen store, once Odoo confirmed them as it does
        any order (its goods are reserved at that store: the order's warehouse)."""
        eshop_pickups = self.filtered(
            lambda o: not o.cc_fulfilment
            and o.carrier_id.delivery_type == "in_store"
            and o.warehouse_id.cc_is_store
            and o.warehouse_id.cc_does_pickup
        )
        res = super()._action_confirm()
        for order in eshop_pickups:
            # sudo: the flow's fields are written by the flow only (see _cc_check_flow_values);
            # the customer chose the store in the e-shop, whoever confirms the order.
            order.sudo().with_context(cc_channel="shop").write({
                "cc_fulfilment": "pickup",
                "cc_store_id": order.warehouse_id.id,
            })
        eshop_pickups._cc_plan_supply()
        eshop_pickups._cc_set_revenue_analytics()
        return res

    def _cc_self_service_rules(self):
        """Override of `click_collect`: an order of Odoo's e-shop (no web shop of the API)
        follows its website's settings."""
        rules = super()._cc_self_service_rules()
        # sudo: the website's settings, for a visitor without rights on it
        order = self.sudo()
        if not order.cc_web_shop_id and order.website_id:
            rules.update(cancel=order.website_id.cc_customer_cancel,
                         store_change=order.website_id.cc_customer_store_change)
        return rules

    def _cc_store_candidates(self):
        """Override of `click_collect`: an e-shop order picked up in store moves only to the
        stores its delivery method offers."""
        stores = super()._cc_store_candidates()
        carrier = self.carrier_id.sudo()  # sudo: the delivery method's stores, for a visitor
        if carrier.delivery_type == "in_store" and carrier.warehouse_ids:
            stores = stores.filtered(lambda store: store in carrier.warehouse_ids)
        return stores

    def _cc_move_to_store(self, store, **kwargs):
        """Override of `click_collect`: an e-shop order picked up in store gets the new store as
        its pickup location (what its pages show, where its warehouse comes from) and as its
        delivery address (its transfers and delivery slips), as Odoo sets them at checkout and
        confirmation. Its prices and taxes stay those of the order confirmed."""
        if self.carrier_id.delivery_type == "in_store" and self.pickup_location_data:
            # sudo: the store's address, whoever moves the order
            location = store.sudo()._prepare_pickup_location_data()
            if location:  # Odoo gives none for a store without an address: kept as it was
                self.pickup_location_data = location
                self._cc_set_pickup_address(store.sudo().partner_id)
        return super()._cc_move_to_store(store, **kwargs)

    def _cc_set_pickup_address(self, address):
        """Make ``address`` (the store's) the order's delivery address: the customer's pickup
        contact at that address (Odoo's pickup location contacts), created when missing."""
        self.ensure_one()
        shipping = self.partner_shipping_id
        customer = shipping.parent_id if shipping.is_pickup_location and shipping.parent_id else shipping
        Partner = self.env["res.partner"]
        contact = Partner.search([
            ("parent_id", "=", customer.id), ("type", "=", "delivery"), ("is_pickup_location", "=", True),
            ("street", "=", address.street), ("city", "=", address.city),
            ("state_id", "=", address.state_id.id), ("country_id", "=", address.country_id.id),
        ], limit=1) or Partner.create({
            "parent_id": customer.id, "type": "delivery", "is_pickup_location": True,
            "name": address.name, "street": address.street, "city": address.city, "zip": address.zip,
            "state_id": address.state_id.id, "country_id": address.country_id.id,
            "email": customer.email, "phone": customer.phone,
        })
        self.with_context(update_delivery_shipping_partner=True).write({"partner_shipping_id": contact.id})
