from . import click_collect_figures, report_batch_pick_list
