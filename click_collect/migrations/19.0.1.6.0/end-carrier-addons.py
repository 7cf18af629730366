"""The demo's couriers keep what they held before their connector's addon was installed and its
demo data loaded on them (see pre-carrier-addons): an administrator's test credentials, service
URL, product."""

from odoo.tools import SQL

# what the connectors' demo data sets on its carriers
RESTORED = ("name", "product_id", "active", "allow_cash_on_delivery", "courier_endpoint_url", "ghn_token",
            "ghn_shop_id", "dhl_express_username", "dhl_express_password", "dhl_express_account",
            "dhl_express_label_format")


def migrate(cr, version):
    cr.execute("SELECT to_regclass('click_collect_split_carriers')")
    if not cr.fetchone()[0]:
        return
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = 'delivery_carrier' AND column_name = ANY(%s)""",
        [list(RESTORED)],
    )
    names = [name for (name,) in cr.fetchall()]
    if names:
        columns = SQL(", ").join(SQL.identifier(name) for name in names)
        cr.execute(SQL(
            """UPDATE delivery_carrier c SET (%s) = (
                   SELECT %s FROM jsonb_populate_record(NULL::delivery_carrier, s.row))
                 FROM click_collect_split_carriers s
                WHERE c.id = s.id""",
            columns, columns,
        ))
    cr.execute("DROP TABLE click_collect_split_carriers")
