import os
import re

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, loader, tagged

from odoo.addons.click_collect.tools.addon_split import move_to_addon

# What the flow may bring with it: Odoo's point of sale and website come with the link modules
# click_collect_pos and click_collect_website_sale only (and OCA's delivery_state with
# click_collect_delivery_state).
FORBIDDEN = {"point_of_sale", "pos_sale", "website", "website_sale", "website_sale_collect", "delivery_state"}
MAX_MODULES = 35


@tagged("post_install", "-at_install")
class TestInstallFootprint(TransactionCase):
    """click_collect installs what the flow uses, not Odoo's point of sale or website."""

    def _closure(self, names):
        """``names`` and every module they depend on, directly or not (their manifests'
        ``depends``)."""
        Module = self.env["ir.module.module"]
        closure = set()
        todo = Module.search([("name", "in", list(names))])
        while todo:
            closure |= set(todo.mapped("name"))
            todo = todo.dependencies_id.depend_id.filtered_domain([("name", "not in", list(closure))])
        return closure

    def test_base_addon_brings_no_point_of_sale_nor_website(self):
        closure = self._closure(["click_collect"])
        self.assertFalse(closure & FORBIDDEN, "click_collect depends on what the flow uses")
        self.assertNotIn("click_collect_pos", closure)
        self.assertLessEqual(len(closure), MAX_MODULES, sorted(closure))

    def test_installed_modules(self):
        """Where Odoo's point of sale or e-shop is installed, so is the family's link module;
        on a database with click_collect alone, neither came with it."""
        Module = self.env["ir.module.module"]
        installed = set(Module.search([("state", "=", "installed")]).mapped("name"))
        links = {"pos_sale": "click_collect_pos", "website_sale_collect": "click_collect_website_sale",
                 "delivery_state": "click_collect_delivery_state"}
        for host, link in links.items():
            self.assertEqual(host in installed, link in installed, f"{link} installs itself with {host}")
        if not installed & set(links.values()):
            self.assertFalse(installed & FORBIDDEN, "installed with click_collect alone")

    def test_no_demo_builder_in_production(self):
        """The demo is data files (records and calls of the flow's own methods): no model or
        method of the family exists only to build it."""
        family = self.env["ir.module.module"].search([("name", "=like", "click\\_collect%")]).mapped("name")
        models = self.env["ir.model.data"].search([("module", "in", family), ("model", "=", "ir.model")])
        self.assertTrue(models)
        self.assertFalse([name for name in models.mapped("name") if "demo" in name])
        for model in ("sale.order", "stock.warehouse", "pos.config", "delivery.carrier"):
            if model in self.env:
                self.assertFalse([name for name in dir(type(self.env[model]))
                                  if "populate" in name or name.startswith("_cc_demo")], model)

    def test_odoos_test_runner_finds_every_test(self):
        """Odoo runs the test modules its addons' tests packages import, no other: every
        test_*.py of the family is imported by its package."""
        family = self.env["ir.module.module"].search([
            "|", ("name", "=like", "%click\\_collect%"),
            ("name", "in", ["delivery_courier_base", "delivery_ghn", "delivery_dhl_express"]),
            ("state", "=", "installed"),
        ]).mapped("name")
        self.assertIn("click_collect", family)
        for name in family:
            folder = get_module_path(name, display_warning=False)
            if not folder or not os.path.isdir(os.path.join(folder, "tests")):
                continue
            files = {f[:-3] for f in os.listdir(os.path.join(folder, "tests")) if re.fullmatch(r"test_\w+\.py", f)}
            imported = {module.__name__.rsplit(".", 1)[1] for module in loader.get_test_modules(name)}
            self.assertEqual(files - imported, set(), f"{name}/tests/__init__.py")


@tagged("post_install", "-at_install")
class TestAddonSplit(TransactionCase):
    """The migration that hands records of click_collect to an addon cut out of it."""

    def test_an_addon_missing_from_the_server_stops_the_update(self):
        """Without the addon on the server its records would be removed with their data: the
        update stops and says why, before anything moved."""
        with self.assertRaisesRegex(RuntimeError, "click_collect_nowhere is not on the server"):
            move_to_addon(self.env.cr, "click_collect_nowhere", ["menu_root"])
        self.assertTrue(self.env.ref("click_collect.menu_root"))

    def test_an_installed_addon_keeps_its_own_records(self):
        self.assertFalse(move_to_addon(self.env.cr, "click_collect", ["menu_root"]))

    def test_records_go_to_the_addon_installed_in_the_same_update(self):
        self.env["ir.module.module"].create({"name": "click_collect_cut_test", "state": "uninstalled"})
        self.env.flush_all()
        self.assertTrue(move_to_addon(self.env.cr, "click_collect_cut_test", ["menu_scan"], ["menu_scan_"]))
        self.env.invalidate_all()
        moved = self.env["ir.model.data"].search([("name", "like", "menu_scan%")])
        self.assertEqual(set(moved.mapped("module")), {"click_collect_cut_test"})
        self.assertEqual(self.env["ir.module.module"].search([("name", "=", "click_collect_cut_test")]).state,
                         "to install")
