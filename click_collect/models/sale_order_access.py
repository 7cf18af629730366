from odoo import api, models
from odoo.exceptions import UserError

from .. import const


class SaleOrder(models.Model):
    """Web orders: who writes which of their fields, who reads their portal token, and which of
    Sales' actions their views offer."""

    _inherit = "sale.order"


    def _cc_check_flow_values(self, vals_list):
        """Refuse the values that only the flow's actions may set, whoever asks and whatever the
        context (every public method is reachable over RPC with any context).

        - The flow's fields (every ``cc_*`` field) change through the flow's actions, which
          check the user, the table and the guards and then write as superuser. A web-order
          manager may still set the fulfilment, the store and the payment method of an order
          that is not accepted yet (const.MANAGER_FLOW_FIELDS).
        - On web orders, only web-order managers and Sales administrators write Odoo's own
          fields of the order (customer, lines, prices): the order is the web shop's, and what
          it was paid for; store staff and salespeople act on it through the flow
          (const.CLERK_WRITABLE_FIELDS lists the exceptions).

        :param self: the orders written (empty for a creation)
        :raise UserError: naming the field and the action to use instead
        """
        if self.env.su:
            return
        if self and any("state" in vals for vals in vals_list):
            self._cc_check_sales_state(vals_list)
        if self:
            names = {name for vals in vals_list for name in vals}
        else:  # a creation: what it sets, and the defaults it takes from the context
            names = {name for vals in vals_list for name, value in vals.items() if value}
            names |= {key[8:] for key, value in self.env.context.items() if key.startswith("default_") and value}
        flow = sorted(name for name in names if name.startswith("cc_") and name in self._fields)
        if flow:
            manager = self.env.user.has_group(const.MANAGER)
            not_accepted = not any(state not in (False, "new") for state in self.mapped("cc_state"))
            # the store and the fulfilment decide the order's stock: they change before it is
            # confirmed (its goods are reserved at the store then)
            not_confirmed = not any(state not in ("draft", "sent") for state in self.mapped("state"))
            for name in flow:
                allowed = manager and name in const.MANAGER_FLOW_FIELDS and not_accepted and (
                    name == "cc_payment_method" or not_confirmed)
                allowed = allowed or (name in const.STAFF_FLOW_FIELDS and getattr(self, f"_{name}_writable")())
                if not allowed:
                    raise UserError(self._cc_flow_field_refusal(name))
        others = sorted(names - set(flow) - const.CLERK_WRITABLE_FIELDS)
        if others and self and any(self.mapped("cc_fulfilment")) and not self.env.user._cc_edits_web_orders():
            field = self._fields.get(others[0])
            raise UserError(self._cc_deal_refusal(field.get_description(self.env)["string"] if field else others[0]))

    def _cc_check_sales_state(self, vals_list):
        """Refuse a direct write of Sales' state that contradicts the flow: cancelling a web
        order outside its door, or reopening a web order the flow cancelled."""
        web_orders = self.filtered("cc_state")
        for state in {vals["state"] for vals in vals_list if "state" in vals}:
            if state == "cancel":
                open_orders = web_orders.filtered(lambda o: o.cc_state not in const.ORDER_CANCELLED_STATES)
                if open_orders:
                    raise UserError(self.env._(
                        "%(order)s is a web order: cancel it with its Cancel action, which releases its "
                        "goods and tells the customer.", order=open_orders[0].name))
            else:
                cancelled = web_orders.filtered(lambda o: o.cc_state in const.ORDER_CANCELLED_STATES)
                if cancelled:
                    raise UserError(self.env._(
                        "%(order)s is a web order the flow cancelled (%(state)s): it is not reopened. "
                        "Create a new order for the customer.",
                        order=cancelled[0].name,
                        state=dict(self._fields["cc_state"]._description_selection(self.env))[cancelled[0].cc_state]))

    def _cc_deal_refusal(self, field):
        """The message refusing a change of Odoo's own field ``field`` (its label) of a web
        order to a user who is neither a web-order manager nor a Sales administrator."""
        return self.env._(
            "%(field)s of a web order is changed by web-order managers only: the order is the "
            "web shop's, and what it was paid for. Use the order's actions (accept, prepare, hand "
            "over, ship, register a payment) or ask a web-order manager.",
            field=field,
        )

    def _cc_flow_field_refusal(self, name):
        """The message refusing a direct change of the flow's field ``name``: what it is and
        which action changes it."""
        field = self._fields[name]
        return self.env._(
            "%(field)s of a web order only changes through the flow: %(action)s.",
            field=field.get_description(self.env)["string"],
            action=self._cc_flow_field_actions().get(name) or self.env._("it is computed by the flow"),
        )

    def _cc_flow_field_actions(self):
        """{flow field: the action that changes it} (an addon adds its own fields)."""
        flow_actions = self.env._("use the order's actions (Accept, Start Preparing, Ready for Pickup, "
                                  "Hand Over, Ship, Cancel), its scan screens or the point of sale")
        manager_before_confirm = self.env._("a web-order manager sets it before the order is confirmed")
        manager_before_accept = self.env._("a web-order manager sets it before the order is accepted")
        payment = self.env._("use Register Payment, or take the payment at the counter")
        return {
            "cc_state": flow_actions,
            "cc_state_date": flow_actions,
            "cc_fulfilment": manager_before_confirm,
            "cc_store_id": manager_before_confirm,
            "cc_payment_method": self.env._("%(who)s; money received is recorded with Register Payment",
                                            who=manager_before_accept),
            "cc_amount_paid": payment,
            "cc_payment_state": payment,
            "cc_web_shop_id": self.env._("it is set by the web shop's API when the web shop sends the order"),
            "cc_external_ref": self.env._("it is set by the web shop's API when the web shop sends the order"),
            "cc_courier_name": self.env._("use Ship"),
            "cc_tracking_ref": self.env._("use Ship"),
            "cc_event_ids": self.env._("the timeline records what the flow's actions do"),
            "cc_pickup_code": self.env._("the customer receives it; nobody changes it"),
            "cc_tracking_token": self.env._("the customer receives it in the link of their messages; nobody "
                                            "changes it"),
            "cc_pickup_failures": self.env._("wrong pickup codes at the counter count it; a store manager "
                                             "starts it again with Unlock Hand-Over"),
            "cc_reminder_sent": self.env._("the daily job sends the pickup reminders"),
            "cc_due_date": self.env._("the flow sets it from the store's service levels at each change of state"),
            "cc_late_notified": self.env._("the job telling store managers of late orders sets it"),
            "cc_shelf": self.env._("the store's staff set it while a Click & Collect order waits at the counter"),
            **dict.fromkeys(("cc_arrival", "cc_arrival_date"), self.env._(
                "the customer says it from the order's page; the store answers with Coming Out")),
            **dict.fromkeys(("cc_arrival_eta", "cc_arrival_note"), self.env._(
                "the customer says it from the order's page")),
            "cc_self_service_count": self.env._("the customer's actions on the order's page count it"),
        }

    def _action_cancel(self):
        """Override of `sale`: Sales' cancellation of a web order (its Cancel button, the
        mass-cancel wizard, any RPC call) goes through the flow's door, which checks the user,
        the order's state and the table, and then cancels the order in Sales as its own
        cancellation does (``_cc_after_cancelled``, which lands here with the state already
        cancelled). Other orders are cancelled as in Sales."""
        web_orders = self.filtered(lambda o: o.cc_state and o.cc_state not in const.ORDER_CANCELLED_STATES)
        web_orders._cc_transition("cancelled")
        return super(SaleOrder, self - web_orders)._action_cancel()

    @api.model
    def _has_field_access(self, field, operation):
        """Override of `base`: store staff without Sales rights do not read the orders' portal
        tokens (``access_token``): they open the customer's pages, which are the customer's.
        Users with Sales rights keep Odoo's use of them (preview, share)."""
        if field.name == "access_token" and not self.env.su and self.env.user.has_group(const.STORE_USER) \
                and not self.env.user.has_group("sales_team.group_sale_salesman"):
            return False
        return super()._has_field_access(field, operation)

    def _portal_ensure_token(self):
        """Override of `portal`: for a user who may not read the token (see
        ``_has_field_access``) the token is still made, for the customer's links, and an empty
        one is answered: Odoo's links built from it (Sales' "Preview") then open the page with
        the user's own login."""
        if not self._has_field_access(self._fields["access_token"], "read"):
            # the token is the customer's: made for the customer's links, never read here
            self.sudo()._portal_ensure_token()
            return ""
        return super()._portal_ensure_token()

    @api.model
    def get_views(self, views, options=None):
        """Override of `base`: the web-order views (list, kanban, form) offer the flow's actions,
        not those of Sales that bypass the flow or contradict its messages (const.SALES_ACTIONS_HIDDEN:
        cancel, mark as sent, the quotation email). Sales' own views keep them all."""
        result = super().get_views(views, options)
        if not (options or {}).get("toolbar"):
            return result
        xmlid_to_id = self.env["ir.model.data"]._xmlid_to_res_id
        web_views = {xmlid_to_id(xmlid, raise_if_not_found=False) for xmlid in const.WEB_ORDER_VIEWS}
        hidden = {xmlid_to_id(xmlid, raise_if_not_found=False) for xmlid in const.SALES_ACTIONS_HIDDEN}
        for view in result["views"].values():
            if view.get("id") in web_views and view.get("toolbar", {}).get("action"):
                view["toolbar"]["action"] = [a for a in view["toolbar"]["action"] if a["id"] not in hidden]
        return result
