from . import (
    click_collect_api,
    click_collect_api_request,
    click_collect_api_return,
    click_collect_return,
    click_collect_web_shop,
    click_collect_webhook_delivery,
    ir_http,
    sale_order,
)
