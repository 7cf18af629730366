def post_init_hook(env):
    """Shipments the flow's own connectors tracked before this addon was installed get OCA's
    carrier state and tracking state from the flow's copy: delivery_state's lists, filters and
    scheduled job see the finished ones as over."""
    env.cr.execute("""
        UPDATE stock_picking
           SET delivery_state = cc_delivery_state, tracking_state = cc_carrier_status
         WHERE cc_delivery_state IS NOT NULL AND delivery_state IS NULL
    """)
    env["stock.picking"].invalidate_model(["delivery_state", "tracking_state"])
