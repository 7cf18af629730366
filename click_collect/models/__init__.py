from . import (
    click_collect_api,
    click_collect_api_request,
    click_collect_demo,
    click_collect_event,
    click_collect_web_shop,
    click_collect_webhook_delivery,
    ir_http,
    payment_transaction,
    res_users,
    sale_order,
    stock_warehouse,
)
