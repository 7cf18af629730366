"""The tracking state of a failed delivery is "incident", as in OCA delivery_state for 19.0
(it was "incidence")."""


def migrate(cr, version):
    cr.execute("UPDATE stock_picking SET cc_delivery_state = 'incident' WHERE cc_delivery_state = 'incidence'")
