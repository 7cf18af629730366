from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Odoo's loyalty programs whose points are money the customer spends later
STORE_CREDIT_PROGRAMS = ("gift_card", "ewallet")


class ClickCollectReturnPolicy(models.AbstractModel):
    """A return policy (of a web shop, or of a company for orders without a web shop) that may
    pay customers back in store credit."""

    _inherit = "click_collect.return.policy"

    cc_return_credit_program_id = fields.Many2one(
        "loyalty.program", string="Store Credit Program", ondelete="restrict",
        domain=[("program_type", "in", STORE_CREDIT_PROGRAMS)],
        help="Where a refund in store credit goes: a gift card program (each return gets a new card, "
             "e-mailed to the customer by the program) or an eWallet program (the customer's eWallet is "
             "topped up).",
    )

    def _cc_return_policy_company(self):
        """The company whose orders follow this policy."""
        self.ensure_one()
        return self if self._name == "res.company" else self.company_id

    @api.constrains("cc_return_refund_mode", "cc_return_credit_program_id")
    def _check_cc_return_credit_program(self):
        for policy in self:
            program = policy.cc_return_credit_program_id
            if policy.cc_return_refund_mode == "store_credit" and not program:
                raise ValidationError(self.env._(
                    "%(policy)s refunds returns in store credit: choose its gift card or eWallet program.",
                    policy=policy.display_name))
            if not program:
                continue
            company = policy._cc_return_policy_company()
            if program.program_type not in STORE_CREDIT_PROGRAMS:
                raise ValidationError(self.env._(
                    "%(program)s is not a gift card or eWallet program: it cannot hold store credit.",
                    program=program.name))
            if program.company_id and program.company_id != company:
                raise ValidationError(self.env._(
                    "%(program)s belongs to %(other)s: the store credit of %(policy)s is a program of %(company)s.",
                    program=program.name, other=program.company_id.name, policy=policy.display_name,
                    company=company.name))
