"""Scheduled jobs planned by the flow's changes."""

# set on a transaction's post-commit data: it triggered one of the flow's jobs (see
# models/ir_cron.py: the cron workers are woken once, in the background)
FLOW_JOBS = "click_collect.flow_jobs_triggered"


def trigger_job(env, xmlid, at=None):
    """Have the scheduled job ``xmlid`` run as soon as this transaction commits, or at ``at``
    (Odoo's cron trigger, written in this transaction). The job is read once, by the trigger
    itself (``env.ref`` would read it a first time to check that it exists)."""
    env.cr.postcommit.data[FLOW_JOBS] = True
    # sudo: scheduled jobs are technical records; any user's change may plan a run
    env["ir.cron"].sudo().browse(env["ir.model.data"]._xmlid_to_res_id(xmlid))._trigger(at)
