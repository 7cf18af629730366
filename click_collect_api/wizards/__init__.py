from . import click_collect_web_shop_api_key
