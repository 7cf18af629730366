from . import (
    click_collect_demo,
    click_collect_event,
    click_collect_notification,
    click_collect_track_attempt,
    click_collect_web_shop,
    click_collect_web_shop_notification,
    payment_transaction,
    res_users,
    sale_order,
    stock_picking,
    stock_warehouse,
)
