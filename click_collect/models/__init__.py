from . import click_collect_demo
from . import click_collect_event
from . import click_collect_web_shop
from . import payment_transaction
from . import res_users
from . import sale_order
from . import stock_warehouse
