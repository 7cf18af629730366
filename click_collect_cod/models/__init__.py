from . import (
    account_move,
    account_payment,
    click_collect_cod_statement,
    click_collect_courier_event,
    click_collect_event,
    delivery_carrier,
    sale_order,
)
