from . import (
    click_collect_return,
    click_collect_return_policy,
    sale_order,
)
