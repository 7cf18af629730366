"""Constants of the point of sale's web orders (the flow's own are in click_collect.const)."""

# The flow states in which a web order waits for its store's action: the point of sale's badge
# counts them and its web-orders screen lists them (by tab: new, to prepare, arriving, ready).
POS_PENDING_STATES = ["new", "accepted", "preparing", "in_transit", "ready"]
# The tabs of the web-orders screen -> the flow states each lists (the screen names them).
POS_TABS = {
    "all": POS_PENDING_STATES,
    "new": ["new"],
    "prepare": ["accepted", "preparing"],
    "arriving": ["in_transit"],
    "ready": ["ready"],
}
# The actions of the point of sale's web-orders screen -> the flow state they ask for.
POS_ACTIONS = {
    "accept": "accepted",
    "prepare": "preparing",
    "ready": "ready",
    "hand_over": "collected",
    "ship": "shipped",
}
