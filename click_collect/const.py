"""The Click & Collect order flow, as data.

This module is the one place that says which flow states exist and which changes of state
are allowed. ``sale.order._cc_transition`` (models/sale_order.py) is the one door that applies
it: it checks this table, runs the guards named here, writes the state and the timeline.
"""

# Labels are plain strings: Odoo translates selection labels itself.

FULFILMENTS = [
    ("pickup", "Click & Collect"),
    ("ship", "Ship from store"),
]

# Every flow state, in the order a customer meets them (pickup first, then ship).
STATES = [
    ("new", "New"),
    ("accepted", "Accepted"),
    ("preparing", "Preparing"),
    ("in_transit", "In transit to the store"),
    ("ready", "Ready for pickup"),
    ("collected", "Collected"),
    ("expired", "Expired"),
    ("shipped", "Shipped"),
    ("failed", "Delivery failed"),
    ("returned", "Returned"),
    ("delivered", "Delivered"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]

# The states each fulfilment uses (kanban columns, status bar).
FULFILMENT_STATES = {
    "pickup": ["new", "accepted", "preparing", "in_transit", "ready", "collected", "expired", "cancelled"],
    "ship": ["new", "accepted", "preparing", "shipped", "failed", "returned", "delivered", "done", "cancelled"],
}

# The store's field saying it takes web orders of a fulfilment.
STORE_FULFILMENT_FIELDS = {"pickup": "cc_does_pickup", "ship": "cc_does_ship"}

# Kanban columns shown even when empty: the states where a store acts (the others, when they
# have orders).
KANBAN_STATES = ("new", "accepted", "preparing", "ready", "shipped")

# States whose goods the customer has and may bring back (sale.order._cc_returnable_states()).
RETURNABLE_STATES = {"collected", "delivered", "done"}

# States where the flow is over.
FINAL_STATES = {"collected", "expired", "returned", "done", "cancelled"}

# States whose effects cancel the sales order (sale.order._cc_after_cancelled): Sales' own
# cancellation of a web order in any other state goes through the door.
ORDER_CANCELLED_STATES = {"expired", "cancelled"}

# The web-order views, and Sales' actions bound to sales orders that they do not offer: the flow
# cancels through its door, and its own messages replace the quotation's.
WEB_ORDER_VIEWS = (
    "click_collect.view_web_order_list", "click_collect.view_web_order_kanban", "click_collect.view_web_order_form",
)
SALES_ACTIONS_HIDDEN = (
    "sale.action_mass_cancel_orders", "sale.model_sale_order_action_quotation_sent", "sale.model_sale_order_send_mail",
)

# Service levels (stock.warehouse._cc_service_due): the level that starts when an order enters a
# state (its due date counts from then), and the states where the level started before runs on
# (the order keeps its due date). Every other state has no due date.
SERVICE_LEVEL_STARTS = {"new": "accept", "accepted": "ready"}
SERVICE_LEVEL_RUNS = frozenset({"preparing", "in_transit"})

# Who may ask for a transition, by the xml id of the group (a store user unless said otherwise).
STORE_USER = "click_collect.group_store_user"
STORE_MANAGER = "click_collect.group_store_manager"
MANAGER = "click_collect.group_manager"

# Who writes a web order's fields (sale.order._cc_check_flow_values): every ``cc_*`` field
# changes only through the flow's actions, except these, which a web-order manager may set
# while the order is not accepted yet (how it is paid) or not confirmed (the store that serves
# it and how: its stock is reserved there at confirmation).
MANAGER_FLOW_FIELDS = frozenset({"cc_fulfilment", "cc_store_id", "cc_payment_method"})
# Flow fields that store staff write themselves, while the order allows it
# (sale.order._cc_<field without cc_>_writable): where a parcel waits at the counter.
STAFF_FLOW_FIELDS = frozenset({"cc_shelf"})
SHELF_SIZE = 32
# Odoo's own fields of a web order that store staff may write (they act through the flow).
CLERK_WRITABLE_FIELDS = frozenset({"message_main_attachment_id"})

# The base's table: (fulfilment, from state, to state, guards, group); addons add their rows
# through sale.order._cc_transitions(). A cash-on-delivery order is delivered, then done once
# its cash is registered (click_collect_cod puts "awaiting COD" and the courier's remittance
# between the two).
#   from state None: the order enters the flow.
#   guards: names of ``sale.order._cc_guard_<name>`` methods; each returns, per order,
#           the reason why it may not go on (see models/sale_order.py).
TRANSITIONS = [
    # Click & Collect
    ("pickup", None, "new", (), STORE_USER),
    ("pickup", "new", "accepted", ("confirmed", "payment_rule"), STORE_USER),
    ("pickup", "accepted", "preparing", ("confirmed",), STORE_USER),
    ("pickup", "preparing", "in_transit", ("goods_left",), STORE_USER),
    ("pickup", "preparing", "ready", ("goods_at_store",), STORE_USER),
    ("pickup", "in_transit", "ready", ("goods_at_store",), STORE_USER),
    ("pickup", "ready", "collected", ("paid", "pickup_code"), STORE_USER),
    ("pickup", "ready", "expired", (), STORE_MANAGER),
    ("pickup", "new", "cancelled", (), STORE_MANAGER),
    ("pickup", "accepted", "cancelled", (), STORE_MANAGER),
    ("pickup", "preparing", "cancelled", (), STORE_MANAGER),
    ("pickup", "in_transit", "cancelled", (), STORE_MANAGER),
    ("pickup", "ready", "cancelled", (), STORE_MANAGER),
    # Ship from store
    ("ship", None, "new", (), STORE_USER),
    ("ship", "new", "accepted", ("confirmed", "payment_rule"), STORE_USER),
    ("ship", "accepted", "preparing", ("confirmed",), STORE_USER),
    ("ship", "preparing", "shipped", ("tracking",), STORE_USER),
    ("ship", "failed", "shipped", ("tracking",), STORE_USER),
    ("ship", "shipped", "delivered", (), STORE_USER),
    ("ship", "shipped", "failed", (), STORE_USER),
    ("ship", "failed", "returned", (), STORE_USER),
    ("ship", "delivered", "done", ("paid", "cod_counted"), STORE_USER),
    ("ship", "new", "cancelled", (), STORE_MANAGER),
    ("ship", "accepted", "cancelled", (), STORE_MANAGER),
    ("ship", "preparing", "cancelled", (), STORE_MANAGER),
]

# Payment methods of a web order. "Prepaid" methods are accepted only once paid.
PAYMENT_METHODS = [
    ("online", "Paid online"),
    ("payment_link", "Payment link"),
    ("transfer", "Bank transfer"),
    ("cod", "Cash on delivery"),
    ("pay_at_store", "Pay at store"),
]
PREPAID_METHODS = {"online", "payment_link", "transfer"}

# payment.provider.custom_mode -> payment method of the order
CUSTOM_MODE_METHOD = {
    "wire_transfer": "transfer",
    "cash_on_delivery": "cod",
    "on_site": "pay_at_store",
}
METHOD_CUSTOM_MODE = {method: mode for mode, method in CUSTOM_MODE_METHOD.items()}
# Transactions of these providers are promises to pay, not money received, until a person
# registers the payment (Odoo may count them as done).
PROMISE_CUSTOM_MODES = {"on_site", "cash_on_delivery"}

# Channels where a person acts (and may overrule a courier's tracking)
PERSON_CHANNELS = {"backoffice", "scan", "pos"}
# States a courier's tracking moves a shipped order to (an addon adds its own through
# sale.order._cc_carrier_states())
CARRIER_STATES = {"failed", "delivered", "returned"}

CHANNELS = [
    ("backoffice", "Back office"),
    ("scan", "Scan screen"),
    ("pos", "Point of Sale"),
    ("api", "Web-shop API"),
    ("webhook", "Courier webhook"),
    ("cron", "Scheduled job"),
    ("carrier", "Carrier state"),
    ("portal", "Customer portal"),
    ("shop", "Odoo e-shop"),
]

# The customer of a ready Click & Collect order tells the store they are coming (their order's
# page), the store answers (sale.order.cc_arrival).
ARRIVALS = [
    ("on_the_way", "On the way"),
    ("arrived", "Customer here"),
    ("coming_out", "Coming out"),
]
# What the customer may do from their order's page, per order, at most: a few changes, not a
# stream of notifications to the store.
SELF_SERVICE_LIMIT = 5

# ---- customer notifications
# The customer-facing steps: one email template and one SMS template each
# (data/mail_template_data.xml, data/sms_template_data.xml), switched on or off per web shop.
NOTIFICATION_STEPS = [
    ("accepted", "Order accepted"),
    ("store", "Pickup store changed"),
    ("ready", "Ready for pickup"),
    ("shipped", "Shipped"),
    ("delivered", "Delivered / collected"),
    ("failed", "Delivery failed"),
    ("reminder", "Pickup reminder"),
    ("cancelled", "Expired / cancelled"),
    ("payment", "Payment received"),
    ("return_received", "Return received"),
    ("refunded", "Return refunded"),
]
# flow state reached -> the step the customer hears about (states not listed are silent); an
# addon's states through sale.order._cc_notification_steps()
STATE_NOTIFICATION_STEP = {
    "accepted": "accepted",
    "ready": "ready",
    "shipped": "shipped",
    "collected": "delivered",
    "delivered": "delivered",
    "failed": "failed",
    "expired": "cancelled",
    "cancelled": "cancelled",
}
# The steps a customer sees on the tracking page, by fulfilment (side states are shown when reached).
TRACKING_STEPS = {
    "pickup": ["new", "accepted", "preparing", "ready", "collected"],
    "ship": ["new", "accepted", "preparing", "shipped", "delivered"],
}
