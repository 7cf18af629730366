from . import (
    click_collect_event,
    payment_transaction,
    pos_config,
    pos_order,
    pos_order_line,
    res_users,
    sale_order,
    sale_order_line,
    stock_picking,
)
