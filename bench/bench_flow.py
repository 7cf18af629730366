"""Benchmark of the Click & Collect flow at a realistic size.

Fills a database with web orders (10,000 by default), then measures, per operation, the median
wall-clock time and the SQL query count, beside Odoo's plain way of doing the same work:

  scan lookup   sale.order._cc_lookup (number or barcode)  vs  search([('name', '=', number)])
  accept        _cc_transition('accepted')                 vs  action_confirm()
  hand over     _cc_transition('collected')                vs  validating the delivery picking

Then it grows the web orders to 100,000 (``--grow``) by copying those made, with their lines and
timeline, in SQL, and measures again what must not grow with them: the scan lookup, a store
user opening the web orders (kanban by state, then the list) beside Odoo's Sales > Orders list,
and the store figures' pivot beside Odoo's sales analysis.

Run it with ``./run bench`` (a fresh database), or directly:
  python bench/bench_flow.py -c ODOO_CONF -d DATABASE [--orders 10000] [--samples 40]
Times vary between runs on a shared machine; query counts do not.
"""

import argparse
import statistics
import sys
import time

import report

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.tests import new_test_user


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--grow", type=int, default=100000,
                        help="web orders to reach by copying, for the rows that must not grow (0: none)")
    return parser.parse_args()


class Bench:
    def __init__(self, registry, samples):
        self.registry = registry
        self.samples = samples
        self.rows = []

    def measure(self, env, label, func, items):
        """Run func(item) for each item in its own savepoint-free step; time and count queries."""
        times, queries = [], []
        for item in items:
            env.invalidate_all()
            before = env.cr.sql_log_count
            start = time.perf_counter()
            func(item)
            env.flush_all()
            times.append((time.perf_counter() - start) * 1000)
            queries.append(env.cr.sql_log_count - before)
        return {"label": label, "median_ms": statistics.median(times), "queries": statistics.median(queries),
                "max_queries": max(queries)}

    def row(self, name, ours, plain, orders=None, goal=None):
        self.rows.append((name, ours, plain, orders, goal))


def setup_data(env, count, batch):
    Quant = env["stock.quant"]
    company = env.company
    company.stock_text_confirmation = False
    partner = env["res.partner"].create({"name": "Bench Store", "city": "Brussels"})
    store = env["stock.warehouse"].search([("code", "=", "BNCH")]) or env["stock.warehouse"].create(
        {"name": "Bench Store", "code": "BNCH", "partner_id": partner.id, "cc_is_store": True})
    products = env["product.product"].create([
        {"name": f"Bench product {i}", "type": "consu", "is_storable": True, "list_price": 10 + i,
         "barcode": f"29{i:011d}"} for i in range(5)
    ])
    for product in products:
        Quant._update_available_quantity(product, store.lot_stock_id, count * 3)
    customers = env["res.partner"].create([
        {"name": f"Bench customer {i}", "email": f"c{i}@example.com"} for i in range(50)
    ])
    user = new_test_user(env, "bench_manager", groups="click_collect.group_manager,sales_team.group_sale_manager",
                         cc_store_ids=[Command.set(store.ids)])
    env.cr.commit()
    created = 0
    start = time.perf_counter()
    while created < count:
        size = min(batch, count - created)
        orders = env["sale.order"].create([
            {
                "partner_id": customers[(created + i) % 50].id,
                "cc_fulfilment": "pickup",
                "cc_store_id": store.id,
                "cc_payment_method": "pay_at_store",
                "order_line": [Command.create({"product_id": products[(created + i) % 5].id, "product_uom_qty": 1})],
            }
            for i in range(size)
        ])
        orders.action_confirm()
        env.cr.commit()
        env.invalidate_all()
        created += size
        elapsed = time.perf_counter() - start
        print(f"\r  {created}/{count} web orders ({elapsed:.0f} s)", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return store, products, customers, user


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    bench = Bench(registry, args.samples)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        print(f"Filling {args.database} with {args.orders} web orders...", file=sys.stderr)
        store, products, customers, user = setup_data(env, args.orders, args.batch)

        uenv = env(user=user.id, su=False)
        Order = uenv["sale.order"]
        n = args.samples
        pool = Order.search([("cc_store_id", "=", store.id), ("cc_state", "=", "new")], limit=4 * n, order="id desc")

        # accept vs action_confirm
        to_accept = pool[:n]
        ours = bench.measure(uenv, "_cc_transition(accepted)", lambda o: o._cc_transition("accepted"), to_accept)
        drafts = Order.create([
            {"partner_id": customers[i % 50].id,
             "order_line": [Command.create({"product_id": products[i % 5].id, "product_uom_qty": 1})]}
            for i in range(n)
        ])
        cr.commit()
        plain = bench.measure(uenv, "action_confirm", lambda o: o.action_confirm(), drafts)
        bench.row("accept", ours, plain)
        cr.commit()

        # hand over vs validating the picking
        to_hand = pool[n:2 * n]
        for order in to_hand:
            order._cc_transition("accepted")
            order._cc_transition("preparing")
            order._cc_transition("ready")
            order._cc_register_payment(order.amount_total, f"TILL-{order.name}", method="pay_at_store")
        cr.commit()
        ours = bench.measure(uenv, "_cc_transition(collected)", lambda o: o._cc_transition("collected"), to_hand)
        pickings = pool[2 * n:3 * n].picking_ids
        plain = bench.measure(
            uenv, "picking.button_validate",
            lambda p: p.with_context(skip_sms=True, skip_backorder=True).button_validate(), pickings,
        )
        bench.row("hand over", ours, plain)
        cr.rollback()

    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM sale_order WHERE cc_fulfilment IS NOT NULL")
        web_orders = cr.fetchone()[0]

    def lookup_and_screen(orders, baseline=None):
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            uenv = env(user=user.id, su=False)
            measured = measure_lookup_and_screen(bench, uenv, store.with_env(uenv), args.samples, orders,
                                                 baseline=baseline)
            cr.rollback()
        return measured

    baseline = lookup_and_screen(web_orders)
    with registry.cursor() as cr:
        grown = grow(cr, args.grow) if args.grow > web_orders else web_orders
    if grown > web_orders:
        lookup_and_screen(grown, baseline)

    report_rows(bench, web_orders, args.samples)


def report_rows(bench, web_orders, samples):
    print()
    print(f"click_collect benchmark: {web_orders} web orders in the database, {samples} samples per operation")
    print()
    print("| operation | click_collect | median ms | queries | Odoo plain | median ms | queries | time ratio |")
    print("|---|---|---:|---:|---|---:|---:|---:|")
    for operation, ours, plain, orders, goal in bench.rows:
        ratio = ours["median_ms"] / plain["median_ms"] if plain["median_ms"] else float("nan")
        name = f"{operation} ({orders or web_orders} web orders)"
        print(f"| {name} | `{ours['label']}` | {ours['median_ms']:.1f} | {ours['queries']:.0f} | "
              f"`{plain['label']}` | {plain['median_ms']:.1f} | {plain['queries']:.0f} | {ratio:.2f} |")
        report.record("flow", name, samples=samples, goal=goal,
                      ours=(ours["label"], ours["median_ms"], ours["queries"]),
                      plain=(plain["label"], plain["median_ms"], plain["queries"]))


def _columns(cr, table):
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'",
               [table])
    return [row[0] for row in cr.fetchall()]


def grow(cr, target):
    """Copy the web orders made through the ORM, with their lines and timeline, until the
    database holds ``target`` web orders (doubling at most at each round): orders as Odoo made
    them, with numbers of their own, collected. Returns the number of web orders."""
    cr.execute("SELECT count(*) FROM sale_order WHERE cc_fulfilment IS NOT NULL")
    count = cr.fetchone()[0]
    order_cols = [c for c in _columns(cr, "sale_order") if c != "name"]
    children = {table: [c for c in _columns(cr, table) if c != "order_id"]
                for table in ("sale_order_line", "click_collect_event")}
    start = time.perf_counter()
    while count < target:
        cr.execute("""
            CREATE TEMP TABLE bench_copy AS
            SELECT id AS old_id, nextval('sale_order_id_seq') AS new_id, row_number() OVER (ORDER BY id) AS n
              FROM sale_order WHERE cc_fulfilment IS NOT NULL ORDER BY id LIMIT %s
        """, [min(count, target - count)])
        # the column names come from PostgreSQL's catalogue, not from input
        columns = ", ".join(f'"{c}"' for c in order_cols)
        selected = ", ".join(f'o."{c}"' for c in order_cols)
        cr.execute(f"""
            INSERT INTO sale_order (id, name, {columns})
            SELECT c.new_id, 'SG' || lpad((%s + c.n)::text, 7, '0'), {selected}
              FROM bench_copy c JOIN sale_order o ON o.id = c.old_id
        """, [count])
        # as in a store's history, the copies were collected long ago; the orders to act on are
        # the ones the ORM made
        cr.execute("UPDATE sale_order SET cc_state = 'collected' WHERE id IN (SELECT new_id FROM bench_copy)")
        for table, cols in children.items():
            columns = ", ".join(f'"{c}"' for c in cols)
            selected = ", ".join(f't."{c}"' for c in cols)
            cr.execute(f"""
                INSERT INTO {table} (order_id, {columns})
                SELECT c.new_id, {selected} FROM bench_copy c JOIN {table} t ON t.order_id = c.old_id
            """)
        cr.execute("SELECT count(*) FROM bench_copy")
        count += cr.fetchone()[0]
        cr.execute("DROP TABLE bench_copy")
        print(f"\r  {count}/{target} web orders ({time.perf_counter() - start:.0f} s)", end="", file=sys.stderr,
              flush=True)
    print(file=sys.stderr)
    cr.execute("ANALYZE sale_order")
    cr.execute("ANALYZE sale_order_line")
    cr.execute("ANALYZE click_collect_event")
    cr.commit()
    return count


def view_specification(env, xmlid, view_type):
    """The fields a view reads, as the web client asks for them."""
    Order = env["sale.order"]
    fields = Order.get_views([(env.ref(xmlid).id, view_type)])["models"]["sale.order"]["fields"]
    relational = ("many2one", "many2many", "one2many")
    return {name: {"fields": {"display_name": {}}} if Order._fields[name].type in relational else {}
            for name in fields}


def measure_lookup_and_screen(bench, uenv, store, samples, orders, *, baseline=None):
    """Scan lookup and the web-order screen, beside Odoo's plain ways. With a ``baseline`` (what
    these cost on fewer orders), each row says whether it stayed flat. Returns their queries."""
    Order = uenv["sale.order"]
    names = Order.search([("cc_store_id", "=", store.id)], limit=samples, order="id desc").mapped("name")
    lookup = bench.measure(uenv, "_cc_lookup", lambda name: Order._cc_lookup(name, store=store), names)
    plain = bench.measure(uenv, "search name", lambda name: Order.search([("name", "=", name)]), names)
    goal = baseline and report.goal(
        f"one query, as on {baseline['orders']} web orders", lookup["max_queries"] == 1 == baseline["lookup"],
        f"{lookup['max_queries']:.0f} query at most, {lookup['median_ms']:.1f} ms")
    bench.row("scan lookup", lookup, plain, orders, goal)

    # the screen opens on the orders to act on (the action's default filter)
    domain = [("cc_fulfilment", "!=", False),
              ("cc_state", "in", ("new", "accepted", "preparing", "in_transit", "ready", "failed"))]
    kanban = view_specification(uenv, "click_collect.view_web_order_kanban", "kanban")
    listing = view_specification(uenv, "click_collect.view_web_order_list", "list")
    sales = view_specification(uenv, "sale.view_order_tree", "list")

    def web_orders(_item):
        Order.web_read_group(domain, ["cc_state"], ["__count"], auto_unfold=True, unfold_read_specification=kanban)
        Order.web_search_read(domain, listing, limit=80, count_limit=10001)

    def sales_orders(_item):
        Order.web_search_read([("state", "=", "sale")], sales, limit=80, count_limit=10001)

    items = range(samples)
    screen = bench.measure(uenv, "web_read_group + web_search_read", web_orders, items)
    goal = baseline and report.goal(
        f"the same queries as on {baseline['orders']} web orders", screen["queries"] == baseline["screen"],
        f"{screen['queries']:.0f} queries, {screen['median_ms']:.1f} ms")
    bench.row("open the store's web orders: kanban, then list", screen,
              bench.measure(uenv, "Sales > Orders list: web_search_read", sales_orders, items), orders, goal)

    # the store-operations figures (SQL view over the orders and their timeline), as the pivot
    # reads them, beside Odoo's sales analysis (sale.report, also a SQL view) grouped alike
    measures = ["__count", "amount_untaxed:sum", "accept_hours:avg", "ready_hours:avg", "counter_hours:avg",
                "pickup_rate:avg", "late_rate:avg"]
    figures = bench.measure(
        uenv, "click_collect.figures: read_group by store, month",
        lambda _item: uenv["click_collect.figures"].formatted_read_group([], ["store_id", "date:month"], measures),
        items)
    sales_analysis = bench.measure(
        uenv, "sale.report: read_group by warehouse, month",
        lambda _item: uenv["sale.report"].formatted_read_group(
            [], ["warehouse_id", "date:month"], ["__count", "price_subtotal:sum"]),
        items)
    goal = baseline and report.goal(
        f"the same queries as on {baseline['orders']} web orders", figures["queries"] == baseline["figures"],
        f"{figures['queries']:.0f} queries, {figures['median_ms']:.1f} ms "
        f"({figures['median_ms'] / sales_analysis['median_ms']:.2f}x Odoo's sales analysis)")
    bench.row("store figures: pivot by store and month", figures, sales_analysis, orders, goal)
    return {"orders": orders, "lookup": lookup["max_queries"], "screen": screen["queries"],
            "figures": figures["queries"]}

if __name__ == "__main__":
    main()
