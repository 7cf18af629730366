"""Who may set what: fields whose value decides where credentials, signatures or orders go."""

from odoo.exceptions import AccessError


def check_system_fields(records, vals, field_names):
    """Refuse a create or write of ``vals`` that sets one of ``field_names`` unless the caller is
    a system administrator (or the system itself): a URL that receives credentials or signed
    bodies, the user whose API keys act for a web shop. The view only mirrors this check."""
    env = records.env
    touched = [name for name in field_names if name in vals]
    if not touched or env.su or env.user.has_group("base.group_system"):
        return
    labels = ", ".join(records._fields[name]._description_string(env) for name in touched)
    raise AccessError(env._(
        "Only administrators set %(fields)s: it decides where credentials or signed data are sent.",
        fields=labels,
    ))
