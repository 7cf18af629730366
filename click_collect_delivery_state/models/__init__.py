from . import click_collect_event, stock_picking
