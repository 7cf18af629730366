"""The web-shop API moved to its own addon, click_collect_api: a database where click_collect
is installed installs it in this same update (its web shops keep their API users, keys and
webhooks), and what moved changes owner instead of being removed with its data."""

from odoo.addons.click_collect.tools.addon_split import move_to_addon

# records of click_collect that now belong to click_collect_api (ir.model.data names): the
# fields of its models go with them (prefixes below)
MOVED_PREFIXES = ("field_click_collect_api__", "field_click_collect_api_request__",
                  "field_click_collect_webhook_delivery__")
MOVED = [
    "access_api_request_manager",
    "access_api_request_web_shop_api",
    "access_event_web_shop_api",
    "access_sale_order_line_web_shop_api",
    "access_sale_order_web_shop_api",
    "access_stock_warehouse_web_shop_api",
    "access_web_shop_web_shop_api",
    "access_webhook_delivery_manager",
    "action_webhook_deliveries",
    "constraint_click_collect_api_request_shop_key_uniq",
    "constraint_click_collect_webhook_delivery_event_uid_uniq",
    "field_click_collect_web_shop__user_id",
    "field_click_collect_web_shop__webhook_delivery_ids",
    "field_click_collect_web_shop__webhook_failed_count",
    "field_click_collect_web_shop__webhook_secret",
    "field_click_collect_web_shop__webhook_url",
    "group_web_shop_api",
    "ir_cron_webhook_send",
    "ir_cron_webhook_send_ir_actions_server",
    "menu_webhook_deliveries",
    "model_click_collect_api",
    "model_click_collect_api_request",
    "model_click_collect_webhook_delivery",
    "payment_provider_web_shop",
    "rule_api_request_company",
    "rule_api_request_web_shop_api",
    "rule_event_web_shop_api",
    "rule_sale_order_line_web_shop_api",
    "rule_sale_order_web_shop_api",
    "rule_stock_warehouse_web_shop_api",
    "rule_web_shop_web_shop_api",
    "rule_webhook_delivery_company",
    "selection__click_collect_webhook_delivery__state__done",
    "selection__click_collect_webhook_delivery__state__failed",
    "selection__click_collect_webhook_delivery__state__pending",
    "user_web_shop",
    "user_web_shop_res_partner",
    "view_web_shop_form_api",
    "view_webhook_delivery_form",
    "view_webhook_delivery_list",
    "view_webhook_delivery_search",
]


def migrate(cr, version):
    move_to_addon(cr, "click_collect_api", MOVED, MOVED_PREFIXES)
