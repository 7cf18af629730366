from . import models


def uninstall_hook(env):
    """The return policies paying back by "store_credit" pay back through the back office again."""
    env["click_collect.return.policy"]._cc_forget_refund_mode("store_credit")
