import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { usePos } from "@point_of_sale/app/hooks/pos_hook";
import { useBarcodeReader } from "@point_of_sale/app/hooks/barcode_reader_hook";
import { makeAwaitable } from "@point_of_sale/app/utils/make_awaitable_dialog";
import { TextInputPopup } from "@point_of_sale/app/components/popups/text_input_popup/text_input_popup";
import { NumberPopup } from "@point_of_sale/app/components/popups/number_popup/number_popup";
import { BACKSPACE, EMPTY, ZERO, getButtons } from "@point_of_sale/app/components/numpad/numpad";
import { CcPickTicket } from "./pick_ticket";
import { CcReturnDialog } from "./return_dialog";

/**
 * The store's web orders waiting for action, by tab, with a search and a scan field; the
 * chosen order's lines, customer, payment and timeline, and the buttons of what may be done
 * now. Every button asks the server, which moves the order through the flow's door.
 */
export class CcWebOrdersScreen extends Component {
    static template = "click_collect_pos.CcWebOrdersScreen";
    static storeOnOrder = false;
    static props = {};

    setup() {
        this.pos = usePos();
        this.ui = useService("ui");
        this.dialog = useService("dialog");
        this.notification = useService("notification");
        this.scanRef = useRef("scan");
        this.state = useState({
            tab: "all",
            search: "",
            scan: "",
            scanError: "",
            orders: [],
            order: null,
            busy: false,
            // the pickup code read from the customer's QR code, for the order it came with
            scannedCode: null,
        });
        // the tabs and their flow states come from the server; their names are the screen's
        const tabLabels = {
            all: _t("All"),
            new: _t("New"),
            prepare: _t("To Prepare"),
            arriving: _t("Arriving"),
            ready: _t("Ready"),
        };
        this.tabs = (this.pos.config._cc_tabs || []).map((tab) => ({
            ...tab,
            label: tabLabels[tab.id] || tab.id,
        }));
        this.actionLabels = {
            accept: _t("Accept"),
            prepare: _t("Start Preparing"),
            ready: _t("Ready for Pickup"),
            hand_over: _t("Hand Over"),
            ship: _t("Ship"),
        };
        useBarcodeReader({
            product: (parsed) => this.onScan(parsed.base_code || parsed.code),
            error: (parsed) => this.onScan(parsed.code),
        });
        const reload = () => this.load();
        onWillStart(() => this.load());
        onMounted(() => {
            this.pos.ccWebOrders.blink = false;
            this.pos.ccWebOrdersListener = reload;
            this.scanRef.el?.focus();
        });
        onWillUnmount(() => {
            if (this.pos.ccWebOrdersListener === reload) {
                this.pos.ccWebOrdersListener = null;
            }
        });
    }

    get currentTab() {
        return this.tabs.find((tab) => tab.id === this.state.tab);
    }

    tabCount(tab) {
        const counts = this.pos.ccWebOrders.counts;
        return tab.states.reduce((sum, state) => sum + (counts[state] || 0), 0);
    }

    formatDate(value) {
        return value ? formatDateTime(deserializeDateTime(value)) : "";
    }

    async load() {
        const result = await this.pos.ccCall("cc_web_orders", [], {
            states: this.currentTab.states,
            search: this.state.search,
        });
        if (!result) {
            return;
        }
        this.state.orders = result.orders;
        this.pos.ccSetCounts(result.counts);
        if (this.state.order) {
            await this.openOrder(this.state.order.id);
        }
    }

    async setTab(tabId) {
        this.state.tab = tabId;
        await this.load();
    }

    async onSearchKeydown(ev) {
        if (ev.key === "Enter") {
            await this.load();
        }
    }

    async onScanKeydown(ev) {
        if (ev.key === "Enter") {
            ev.preventDefault();
            ev.stopPropagation();
            await this.onScan(this.state.scan);
        }
    }

    async onScan(code) {
        code = (code || "").trim();
        if (!code) {
            return;
        }
        const result = await this.pos.ccCall("cc_web_order_scan", [code]);
        this.state.scan = "";
        if (!result) {
            return;
        }
        if (result.error) {
            this.state.scanError = result.error;
            this.state.order = null;
            return;
        }
        this.state.scanError = "";
        this.state.scannedCode = result.pickup_code
            ? { orderId: result.order_id, code: result.pickup_code }
            : null;
        await this.openOrder(result.order_id);
    }

    async openOrder(orderId) {
        const order = await this.pos.ccCall("cc_web_order", [orderId]);
        this.state.order = order || null;
    }

    isSelected(order) {
        return this.state.order?.id === order.id;
    }

    async doAction(action) {
        const order = this.state.order;
        const kwargs = { expected_state: order.state };
        if (action === "hand_over" && order.pickup_code_required) {
            const scanned = this.state.scannedCode;
            // the pickup code is digits: a number pad (keyboard digits work too)
            const code = await makeAwaitable(this.dialog, NumberPopup, {
                title: _t("Pickup code of %s", order.name),
                placeholder: _t("The code in the customer's message"),
                startingValue: scanned?.orderId === order.id ? scanned.code : "",
                buttons: getButtons([{ ...EMPTY, disabled: true }, ZERO, BACKSPACE]),
                confirmButtonLabel: _t("Hand Over"),
                isValid: (value) => /^[0-9]+$/.test(value || ""),
            });
            this.state.scannedCode = null;
            if (code === undefined) {
                return;
            }
            kwargs.pickup_code = code;
        }
        if (action === "ship") {
            const courier = await makeAwaitable(this.dialog, TextInputPopup, {
                title: _t("Courier of %s", order.name),
                startingValue: order.courier || "",
            });
            if (!courier) {
                return;
            }
            const tracking = await makeAwaitable(this.dialog, TextInputPopup, {
                title: _t("Tracking number of %s", order.name),
            });
            if (!tracking) {
                return;
            }
            Object.assign(kwargs, { courier, tracking_ref: tracking });
        }
        if (action === "ready" && order.fulfilment === "pickup") {
            const shelf = await makeAwaitable(this.dialog, TextInputPopup, {
                title: _t("Shelf / bin of %s", order.name),
                placeholder: _t("Where the parcel waits, e.g. A3 (optional)"),
                startingValue: order.shelf || "",
            });
            if (shelf === undefined) {
                return;
            }
            kwargs.shelf = shelf;
        }
        await this.run("cc_web_order_action", [order.id, action], kwargs);
    }

    async run(method, args, kwargs = {}) {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            const result = await this.pos.ccCall(method, args, kwargs);
            if (result && result.ok === false) {
                this.dialog.add(AlertDialog, { title: _t("Refused"), body: result.message });
            } else if (result?.message) {
                this.notification.add(result.message, { type: "success" });
            }
            if (result?.order) {
                this.state.order = result.order;
            }
            await this.load();
        } finally {
            this.state.busy = false;
        }
    }

    /** Goods of a web order of any store of the company come back: find the order, then say
     * what comes back (and pay back from the till when the return policy says so). */
    async receiveReturn() {
        const code = await makeAwaitable(this.dialog, TextInputPopup, {
            title: _t("Return of a web order"),
            placeholder: _t("Order number, the customer's QR code, email or phone"),
        });
        if (!code) {
            return;
        }
        const found = await this.pos.ccCall("cc_return_find", [code]);
        if (!found) {
            return;
        }
        if (found.error) {
            this.dialog.add(AlertDialog, { title: _t("Return"), body: found.error });
            return;
        }
        this.dialog.add(CcReturnDialog, { found });
    }

    async unlock() {
        await this.run("cc_web_order_unlock", [this.state.order.id]);
    }

    async comingOut() {
        await this.run("cc_web_order_coming_out", [this.state.order.id]);
    }

    async resendReady() {
        await this.run("cc_web_order_resend_ready", [this.state.order.id]);
    }

    async payAtCounter() {
        await this.pos.ccPayAtCounter(this.state.order.id);
    }

    /** The order's pick list or address label as a ticket: on the receipt printer, or,
     * without one, in the browser's print dialog. */
    async print(kind) {
        await this.pos.printer.print(CcPickTicket, { order: this.state.order, kind }, { webPrintFallback: true });
    }
}

registry.category("pos_pages").add("CcWebOrdersScreen", {
    name: "CcWebOrdersScreen",
    component: CcWebOrdersScreen,
    route: `/pos/ui/${odoo.pos_config_id}/web-orders`,
    params: {},
});
