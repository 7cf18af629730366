import io
import re

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import trans_export

MSGID = re.compile(r'^msgid "(.*)"$\n((?:^".*"$\n)*)', re.MULTILINE)


def _msgids(text):
    """The terms of a .pot file, each msgid joined from its lines."""
    terms = set()
    for first, rest in MSGID.findall(text):
        term = first + "".join(line[1:-1] for line in rest.splitlines())
        if term:
            terms.add(term)
    return terms


# The family's addons: each ships the template of its own terms (when it has any).
FAMILY = ("click_collect", "click_collect_api", "click_collect_cod", "click_collect_pos",
          "click_collect_website_sale", "click_collect_delivery_state", "delivery_courier_base", "delivery_ghn",
          "delivery_dhl_express", "click_collect_loyalty")


@tagged("post_install", "-at_install")
class TestTranslationTemplate(TransactionCase):
    def test_template_has_every_term(self):
        """The committed ``<addon>.pot`` of each installed addon of the family is the one Odoo
        exports: no user-facing string is missing from it (regenerate it with ``odoo-bin i18n
        export ... <addon> -o <addon>/i18n/<addon>.pot``)."""
        installed = self.env["ir.module.module"].search([("name", "in", FAMILY), ("state", "=", "installed")])
        self.assertIn("click_collect", installed.mapped("name"))
        for addon in installed.mapped("name"):
            with self.subTest(addon=addon):
                buffer = io.BytesIO()
                trans_export(None, [addon], buffer, "po", self.env)
                exported = _msgids(buffer.getvalue().decode())
                try:
                    with open(file_path(f"{addon}/i18n/{addon}.pot"), encoding="utf-8") as pot:
                        committed = _msgids(pot.read())
                except FileNotFoundError:
                    committed = set()
                if addon == "click_collect":
                    self.assertGreater(len(exported), 500)
                self.assertFalse(sorted(exported - committed)[:20], f"terms missing from {addon}.pot")
                self.assertFalse(sorted(committed - exported)[:20], f"terms in {addon}.pot that are gone")
