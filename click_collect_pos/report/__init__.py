from . import click_collect_store_sales
