from . import click_collect_payment_register
from . import click_collect_scan
from . import click_collect_ship
