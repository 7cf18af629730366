from . import (
    click_collect_event,
    click_collect_return,
    payment_transaction,
    pos_config,
    pos_config_return,
    pos_order,
    pos_order_line,
    res_users,
    sale_order,
    sale_order_line,
    sale_order_return,
    stock_picking,
)
