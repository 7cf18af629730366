from . import click_collect_payment_register, click_collect_scan, click_collect_ship
