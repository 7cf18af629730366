import threading
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from odoo.addons.base.models.ir_cron import IrCron

from ..tools.jobs import trigger_job


@tagged("post_install", "-at_install")
class TestWakingTheCronWorkers(TransactionCase):
    """After the commit of a flow's change, the cron workers are woken once, in the background:
    the person who made the change does not wait for it. Other commits wake them as Odoo does."""

    def _commit_hooks(self, plan):
        """Run ``plan`` (it triggers jobs), then the hooks a commit runs; return the threads in
        which Odoo's wake-up of the cron workers ran."""
        woken, done = [], threading.Event()

        def notifydb(cron):
            woken.append(threading.current_thread())
            done.set()

        self.env.cr.postcommit.clear()
        with patch.object(IrCron, "_notifydb", notifydb):
            plan()
            self.env.cr.postcommit.run()
            self.assertTrue(done.wait(10), "the cron workers were woken")
        return woken

    def test_a_flow_change_wakes_the_workers_once_in_the_background(self):
        def plan():
            trigger_job(self.env, "click_collect.ir_cron_send_customer_messages")
            trigger_job(self.env, "click_collect.ir_cron_record_message_answers")
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()

        woken = self._commit_hooks(plan)
        self.assertEqual(len(woken), 1, "one wake-up for the jobs of one commit")
        self.assertNotEqual(woken[0], threading.current_thread())

    def test_other_commits_wake_them_as_odoo_does(self):
        woken = self._commit_hooks(lambda: self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger())
        self.assertEqual(woken, [threading.current_thread()])
