from . import models, report


def uninstall_hook(env):
    """The return policies paying back by "till" pay back through the back office again."""
    env["click_collect.return.policy"]._cc_forget_refund_mode("till")
