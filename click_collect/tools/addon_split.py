"""Moving records of click_collect to an addon cut out of it, in a migration of click_collect."""


def move_to_addon(cr, addon, names, prefixes=()):
    """Install ``addon`` in this same update of click_collect, and give it the records that now
    belong to it (ir.model.data names of click_collect, and names starting with ``prefixes``),
    with the foreign keys of their fields, so that Odoo does not remove them, and their data, as
    records click_collect no longer has.

    Does nothing where the addon is installed already (its records are its own).

    :raise RuntimeError: the addon is not on the server (the update stops before it loses data)
    :return: whether the records were moved
    """
    cr.execute("SELECT id, state FROM ir_module_module WHERE name = %s", [addon])
    row = cr.fetchone()
    if not row or row[1] == "uninstallable":
        raise RuntimeError(
            f"The addon {addon} is not on the server: put it in the addons path and update "
            f"click_collect again (this update gives it records of click_collect, or installs it "
            f"for them; without it they would be removed with their data)."
        )
    addon_id, state = row
    if state not in ("uninstalled", "to install"):  # marked already by `-i <addon> -u click_collect`
        return False
    cr.execute("UPDATE ir_module_module SET state = 'to install' WHERE id = %s", [addon_id])
    cr.execute(
        """UPDATE ir_model_data SET module = %s
            WHERE module = 'click_collect' AND (name = ANY(%s) OR name LIKE ANY(%s))""",
        [addon, list(names), [prefix.replace("_", "\\_") + "%" for prefix in prefixes]],
    )
    cr.execute(
        """UPDATE ir_model_constraint SET module = %s
            WHERE module = (SELECT id FROM ir_module_module WHERE name = 'click_collect')
              AND name = ANY(%s)""",
        [addon_id, [name.removeprefix("constraint_") for name in names if name.startswith("constraint_")]],
    )
    # the foreign keys of the fields it took over ("<table>_<column>_fkey")
    cr.execute(
        """UPDATE ir_model_constraint c SET module = %s
             FROM ir_model_data d
             JOIN ir_model_fields f ON d.model = 'ir.model.fields' AND f.id = d.res_id
            WHERE d.module = %s AND c.type = 'f'
              AND c.module = (SELECT id FROM ir_module_module WHERE name = 'click_collect')
              AND c.name = replace(f.model, '.', '_') || '_' || f.name || '_fkey'""",
        [addon_id, addon],
    )
    return True
