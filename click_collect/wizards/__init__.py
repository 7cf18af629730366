from . import click_collect_order_wizard  # noqa: I001 (the mixin of the screens below)
from . import (
    click_collect_handover,
    click_collect_payment_register,
    click_collect_return_receive,
    click_collect_return_refund,
    click_collect_scan,
    click_collect_ship,
    click_collect_store_change,
)
