"""Moving records of click_collect to an addon cut out of it, in a migration of click_collect."""


def move_to_addon(cr, addon, names, prefixes=()):
    """Install ``addon`` in this same update of click_collect, and give it the records that now
    belong to it (ir.model.data names of click_collect, and names starting with ``prefixes``),
    so that Odoo does not remove them, and their data, as records click_collect no longer has.

    Does nothing where the addon is installed already (its records are its own).

    :return: whether the records were moved
    """
    # marked already when the update also installs it (``-i <addon> -u click_collect``)
    cr.execute(
        """UPDATE ir_module_module SET state = 'to install'
            WHERE name = %s AND state IN ('uninstalled', 'to install')
        RETURNING id""",
        [addon],
    )
    row = cr.fetchone()
    if not row:
        return False
    cr.execute(
        """UPDATE ir_model_data SET module = %s
            WHERE module = 'click_collect' AND (name = ANY(%s) OR name LIKE ANY(%s))""",
        [addon, list(names), [prefix.replace("_", "\\_") + "%" for prefix in prefixes]],
    )
    cr.execute(
        """UPDATE ir_model_constraint SET module = %s
            WHERE module = (SELECT id FROM ir_module_module WHERE name = 'click_collect')
              AND name = ANY(%s)""",
        [row[0], [name.removeprefix("constraint_") for name in names if name.startswith("constraint_")]],
    )
    return True
