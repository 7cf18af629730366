"""Scheduled jobs planned by the flow's changes."""

# set on a transaction's post-commit data: it triggered one of the flow's jobs (see
# models/ir_cron.py: the cron workers are woken once, in the background)
FLOW_JOBS = "click_collect.flow_jobs_triggered"

# {database: external ids of the jobs the flow triggered there since the server started}
_TRIGGERED = {}


def trigger_job(env, xmlid, at=None):
    """Have the scheduled job ``xmlid`` run as soon as this transaction commits, or at ``at``
    (Odoo's cron trigger, written in this transaction).

    One change of an order triggers several jobs (its customer message, its webhook): the
    first trigger of a transaction reads every job the flow triggered before (their ids are in
    Odoo's cache), so that the next ones are not read again."""
    env.cr.postcommit.data[FLOW_JOBS] = True
    known = _TRIGGERED.setdefault(env.cr.dbname, set())
    known.add(xmlid)
    IrModelData = env["ir.model.data"]
    job_ids = [job_id for job_id in map(IrModelData._xmlid_to_res_id, sorted(known)) if job_id]
    # sudo: scheduled jobs are technical records; any user's change may plan a run
    job = env["ir.cron"].sudo().browse(IrModelData._xmlid_to_res_id(xmlid)).with_prefetch(job_ids)
    job._trigger(at)
