"""Returns arrive: no order has one yet, so the orders' return status starts empty (the column
is made here, and Odoo does not compute it for every existing order)."""


def migrate(cr, version):
    cr.execute("ALTER TABLE sale_order ADD COLUMN IF NOT EXISTS cc_return_state varchar")
