from . import click_collect_cod_owed
