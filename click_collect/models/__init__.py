from . import (
    click_collect_courier_event,
    click_collect_demo,
    click_collect_event,
    click_collect_web_shop,
    delivery_carrier,
    payment_transaction,
    res_users,
    sale_order,
    stock_picking,
    stock_warehouse,
)
