from . import report_batch_pick_list
