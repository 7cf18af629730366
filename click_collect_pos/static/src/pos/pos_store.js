import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { RPCError } from "@web/core/network/rpc";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { PosStore } from "@point_of_sale/app/services/pos_store";

patch(PosStore.prototype, {
    async setup() {
        this.ccWebOrders = {
            enabled: false,
            store: null,
            counts: {},
            total: 0,
            late: 0,
            // ready orders whose customer is here (the server's count)
            arrived: 0,
            blink: false,
        };
        this.ccWebOrdersListener = null;
        await super.setup(...arguments);
    },

    async afterProcessServerData() {
        const result = await super.afterProcessServerData(...arguments);
        this.ccStartWebOrders();
        return result;
    },

    /** The store of this point of sale and its waiting web orders came with the POS data;
     * the server rings the POS on the bus (order ids only) when one of them changes. */
    ccStartWebOrders() {
        const store = this.config._cc_store;
        if (!store) {
            return;
        }
        this.ccWebOrders.enabled = true;
        this.ccWebOrders.store = store;
        this.ccSetCounts(this.config._cc_pending_counts || {});
        this.data.connectWebSocket("CLICK_COLLECT_ORDERS", (payload) =>
            this.ccOnWebOrdersChanged(payload)
        );
    },

    ccSetCounts(counts) {
        const previous = this.ccWebOrders.counts;
        // the flow states in which a web order waits for the store: the server's list
        const pending = this.config._cc_pending_states || [];
        const total = pending.reduce((sum, state) => sum + (counts[state] || 0), 0);
        const arrived = (counts.new || 0) > (previous.new || 0) || total > this.ccWebOrders.total;
        this.ccWebOrders.counts = counts;
        this.ccWebOrders.total = total;
        // how many of them are past the store's service level: the badge turns red
        this.ccWebOrders.late = counts.late || 0;
        this.ccWebOrders.arrived = counts.arrived || 0;
        return arrived;
    },

    async ccOnWebOrdersChanged(payload) {
        const hadCounts = Object.keys(this.ccWebOrders.counts).length > 0;
        const counts = await this.ccCall("cc_web_order_counts");
        if (counts && this.ccSetCounts(counts) && hadCounts) {
            // a new web order arrived: the badge blinks until the cashier looks at the list,
            // and a short sound says so once (unless this point of sale is set to stay quiet)
            this.ccWebOrders.blink = true;
            if (this.config.cc_new_order_sound) {
                this.sound.play("order-receive-tone");
            }
        }
        if (payload?.arrived?.length) {
            // a customer said they are coming or here: the badge blinks and the bell rings
            this.ccWebOrders.blink = true;
            if (this.config.cc_new_order_sound) {
                this.sound.play("bell");
            }
        }
        // the web-orders screen, when open, shows the change
        await this.ccWebOrdersListener?.(payload?.order_ids || []);
    },

    ccOpenWebOrders() {
        this.ccWebOrders.blink = false;
        this.navigate("CcWebOrdersScreen");
    },

    /** Call a web-order method of this point of sale; a refusal shows the server's message. */
    async ccCall(method, args = [], kwargs = {}) {
        try {
            return await this.data.call("pos.config", method, [this.config.id, ...args], kwargs);
        } catch (error) {
            if (error instanceof RPCError) {
                this.dialog.add(AlertDialog, {
                    title: _t("Web order"),
                    body: error.data?.message || error.message,
                });
                return false;
            }
            throw error;
        }
    },

    /** Pay at the counter: load the web order into a new cart with pos_sale's settle flow.
     * The POS order's lines keep their link to the order's lines: the payment is a real POS
     * order, and the server counts it as the web order's payment. */
    async ccPayAtCounter(orderId) {
        const payable = await this.ccCall("cc_web_order_check_payable", [orderId]);
        if (!payable) {
            return false;
        }
        const saleOrder = await this._getSaleOrder(orderId);
        let cart = this.getOrder();
        if (!cart || cart.finalized || cart.lines.length) {
            cart = this.addNewOrder();
        }
        if (saleOrder.partner_id) {
            cart.setPartner(saleOrder.partner_id);
        }
        cart.update({ fiscal_position_id: saleOrder.fiscal_position_id });
        await this.settleSO(saleOrder, saleOrder.fiscal_position_id);
        this.navigate("ProductScreen", { orderUuid: cart.uuid });
        return true;
    },
});
