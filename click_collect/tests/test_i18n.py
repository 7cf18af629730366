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


@tagged("post_install", "-at_install")
class TestTranslationTemplate(TransactionCase):
    def test_template_has_every_term(self):
        """The committed click_collect.pot is the one Odoo exports: no user-facing string is
        missing from it (regenerate it with ``odoo-bin i18n export ... click_collect -o
        click_collect/i18n/click_collect.pot``)."""
        buffer = io.BytesIO()
        trans_export(None, ["click_collect"], buffer, "po", self.env)
        exported = _msgids(buffer.getvalue().decode())
        with open(file_path("click_collect/i18n/click_collect.pot"), encoding="utf-8") as pot:
            committed = _msgids(pot.read())
        self.assertGreater(len(exported), 500)
        self.assertFalse(sorted(exported - committed)[:20], "terms missing from click_collect.pot")
        self.assertFalse(sorted(committed - exported)[:20], "terms in click_collect.pot that are gone")
