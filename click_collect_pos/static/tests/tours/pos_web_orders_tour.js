/* global posmodel */
import { registry } from "@web/core/registry";
import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/pos/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/pos/tours/utils/receipt_screen_util";
import * as TextInputPopup from "@point_of_sale/../tests/generic_helpers/text_input_popup_util";
import * as NumberPopup from "@point_of_sale/../tests/generic_helpers/number_popup_util";
import * as Order from "@point_of_sale/../tests/generic_helpers/order_widget_util";

function openRegister() {
    return [Chrome.startPoS(), Dialog.confirm("Open Register")].flat();
}

/** Keep the names of the sounds the point of sale plays, in window.ccSounds. */
function keepSounds() {
    window.ccSounds = [];
    const play = posmodel.sound.play.bind(posmodel.sound);
    posmodel.sound.play = (name, ...args) => {
        window.ccSounds.push(name);
        return play(name, ...args);
    };
}

function openWebOrders() {
    return [
        { content: "Open the web orders", trigger: ".o_cc_web_orders_button", run: "click" },
        { trigger: ".o_cc_web_orders_screen" },
    ];
}

function openOrder(name) {
    return [
        { content: `Open ${name}`, trigger: `.o_cc_web_order_row[data-order='${name}']`, run: "click" },
        { trigger: `.o_cc_order_name:contains(${name})` },
    ];
}

function act(action, state) {
    return [
        { content: `Action ${action}`, trigger: `.o_cc_action[data-action='${action}']`, run: "click" },
        { content: `The order is ${state}`, trigger: `.o_cc_order_state:contains(${state})` },
    ];
}

function handOver(code) {
    return [
        { content: "Hand over", trigger: ".o_cc_action[data-action='hand_over']", run: "click" },
        NumberPopup.enterValue(code),
        NumberPopup.isShown(code),
        Dialog.confirm("Hand Over"),
    ].flat();
}

registry.category("web_tour.tours").add("click_collect_pos_badge", {
    steps: () =>
        [
            openRegister(),
            {
                content: "The badge counts the store's waiting web orders, red: one of them is late",
                trigger: ".o_cc_web_orders_button.o_cc_late:not(.o_cc_blink) .o_cc_web_orders_badge.text-bg-danger:contains(2)",
            },
            {
                content: "The sounds the point of sale plays are kept",
                trigger: ".o_cc_web_orders_badge",
                run: () => keepSounds(),
            },
            {
                content: "The cashier accepts CCPOS-1: its web shop sends a new order when it sees it accepted",
                trigger: ".o_cc_web_orders_badge",
                run: async () => {
                    const orm = posmodel.env.services.orm;
                    const [orderId] = await orm.search("sale.order", [["name", "=", "CCPOS-1"]]);
                    await orm.call("pos.config", "cc_web_order_action", [posmodel.config.id, orderId, "accept"]);
                },
            },
            {
                content: "The badge shows it and blinks, without reloading",
                trigger: ".o_cc_web_orders_button.o_cc_blink .o_cc_web_orders_badge:contains(3)",
            },
            {
                content: "A short sound, once, for the new order",
                trigger: ".o_cc_web_orders_button.o_cc_blink",
                run: () => {
                    const played = window.ccSounds.filter((name) => name === "order-receive-tone");
                    if (played.length !== 1) {
                        throw new Error(`expected one new-order sound, heard ${JSON.stringify(window.ccSounds)}`);
                    }
                },
            },
            openWebOrders(),
            {
                content: "Opened: the badge stops blinking",
                trigger: ".o_cc_web_orders_button:not(.o_cc_blink)",
            },
            { trigger: ".o_cc_web_order_row:contains(CC-LIVE)" },
            {
                content: "The late order's row is red and says how long it has waited",
                trigger: ".o_cc_web_order_row.table-danger[data-order='CCPOS-2'] .o_cc_state_age:contains(Late):contains(min)",
            },
            {
                content: "The others are on time",
                trigger: ".o_cc_web_order_row[data-order='CCPOS-1'][data-sla='on_time']:not(.table-danger):not(.table-warning)",
            },
            {
                content: "The New tab lists it",
                trigger: ".o_cc_tabs button[data-tab='new']",
                run: "click",
            },
            { trigger: ".o_cc_web_order_row:contains(CC-LIVE)" },
            {
                content: "Not the other store's order",
                trigger: ".o_cc_web_orders_screen:not(:has(.o_cc_web_order_row[data-order='CCPOS-OTHER']))",
            },
        ].flat(),
});

/** Another cashier moves the order on before this screen hears of it over the bus. */
function changedElsewhere(name, target) {
    return {
        content: `Another cashier makes ${name} ${target} meanwhile`,
        trigger: `.o_cc_order_name:contains(${name})`,
        run: async () => {
            posmodel.ccWebOrdersListener = null; // the bus message has not arrived yet
            const orm = posmodel.env.services.orm;
            const ids = await orm.search("sale.order", [["name", "=", name]]);
            await orm.call("sale.order", "action_cc_transition", [ids], {
                context: { cc_target: target },
            });
        },
    };
}

/** A receipt printer that keeps what it prints, and the PDF reports the POS asks for. */
function recordPrints() {
    return {
        content: "Record what is printed: no receipt printer yet, the browser's print dialog",
        trigger: ".o_cc_print_pick_list",
        run: () => {
            window.ccPrinted = [];
            window.ccBrowserPrinted = [];
            window.ccReports = [];
            window.print = () => {
                window.ccBrowserPrinted.push(document.querySelector(".o_cc_pick_ticket")?.textContent || "");
            };
            posmodel.env.services.report.doAction = async (reportXmlId, ids) => {
                window.ccReports.push([reportXmlId, ids]);
            };
        },
    };
}

function receiptPrinter() {
    return {
        content: "A receipt printer is configured",
        trigger: ".o_cc_print_label",
        run: () => {
            posmodel.hardwareProxy.printer = {
                printReceipt: async (el) => {
                    window.ccPrinted.push(el.textContent);
                    return { successful: true };
                },
            };
        },
    };
}

/** The ticket went to ``where`` ("browser": the print dialog; "printer": the receipt printer),
 * and nowhere else (no PDF downloaded). */
function checkPrinted(kind, where, texts) {
    return {
        content: `The ${kind} went to the ${where}, nothing downloaded`,
        trigger: "body",
        run: () => {
            const [here, there] = where === "browser"
                ? [window.ccBrowserPrinted, window.ccPrinted]
                : [window.ccPrinted, window.ccBrowserPrinted];
            const printed = here.at(-1) || "";
            const missing = texts.filter((text) => !printed.includes(text));
            if (missing.length || there.length > (where === "browser" ? 0 : 1) || window.ccReports.length) {
                throw new Error(
                    `${kind}: printed ${JSON.stringify(printed)}, missing ${missing}, elsewhere ${there.length}, reports ${window.ccReports.length}`
                );
            }
        },
    };
}

registry.category("web_tour.tours").add("click_collect_pos_flow", {
    steps: () =>
        [
            openRegister(),
            openWebOrders(),
            openOrder("CCPOS-RACE"),
            changedElsewhere("CCPOS-RACE", "accepted"),
            {
                content: "Accept the order the cashier still sees as new",
                trigger: ".o_cc_action[data-action='accept']",
                run: "click",
            },
            {
                content: "The server's refusal, in a dialog",
                trigger:
                    ".modal:not(.o_inactive_modal) .modal-body:contains(CCPOS-RACE changed meanwhile: it is now Accepted)",
            },
            Dialog.confirm(),
            { content: "The screen shows the order as it is now", trigger: ".o_cc_order_state:contains(Accepted)" },
            {
                content: "An unknown scan",
                trigger: ".o_cc_scan",
                run: "edit NOPE-404 && press Enter",
            },
            { trigger: ".o_cc_scan_error:contains(Order could not be found)" },
            {
                content: "Scan the order's number",
                trigger: ".o_cc_scan",
                run: "edit ccpos-flow && press Enter",
            },
            { trigger: ".o_cc_order_name:contains(CCPOS-FLOW)" },
            { trigger: ".o_cc_lines:contains(CC Test Shoe)" },
            act("accept", "Accepted"),
            act("prepare", "Preparing"),
            { content: "Ready for pickup", trigger: ".o_cc_action[data-action='ready']", run: "click" },
            { content: "The shelf where the parcel waits", trigger: ".modal:contains(Shelf / bin of CCPOS-FLOW)" },
            TextInputPopup.inputText("D4"),
            Dialog.confirm("Apply"),
            { content: "The order is ready", trigger: ".o_cc_order_state:contains(Ready for pickup)" },
            { content: "on its shelf, since now", trigger: ".o_cc_counter:contains(Shelf D4):contains(Ready since):contains(Waits until)" },
            recordPrints(),
            { content: "Print the pick list", trigger: ".o_cc_print_pick_list", run: "click" },
            checkPrinted("pick list", "browser", [
                "Pick List",
                "CCPOS-FLOW",
                "D4",
                "CC Test Shoe",
                "CC Test Bag",
            ]),
            receiptPrinter(),
            { content: "Print the address label", trigger: ".o_cc_print_label", run: "click" },
            checkPrinted("address label", "printer", [
                "Address Label",
                "CCPOS-FLOW",
                "CC Test Customer",
                "Main Street 1, 1000 Brussels",
            ]),
            handOver("000000"),
            {
                content: "A wrong code is refused with the server's message",
                trigger: ".modal:not(.o_inactive_modal) .modal-body:contains(is wrong)",
            },
            Dialog.confirm(),
            { trigger: ".o_cc_timeline li.text-danger" },
            handOver("246810"),
            { content: "Handed over", trigger: ".o_cc_order_state:contains(Collected)" },
            {
                content: "Nothing more to do",
                trigger: ".o_cc_web_order_detail:not(:has(.o_cc_action))",
            },
        ].flat(),
});

registry.category("web_tour.tours").add("click_collect_pos_locked", {
    steps: () =>
        [
            openRegister(),
            openWebOrders(),
            openOrder("CCPOS-LOCK"),
            {
                content: "Too many wrong codes: the POS says so",
                trigger: ".o_cc_pickup_locked:contains(locked)",
            },
            {
                content: "and offers nothing but the unlock",
                trigger: ".o_cc_web_order_detail:not(:has(.o_cc_action)):not(:has(.o_cc_pay)):has(.o_cc_unlock)",
            },
            { content: "The store manager unlocks it", trigger: ".o_cc_unlock", run: "click" },
            {
                content: "On the timeline, in red, as an unlock",
                trigger: ".o_cc_timeline li.text-danger:contains(Hand-over unlocked)",
            },
            { trigger: ".o_cc_web_order_detail:not(:has(.o_cc_pickup_locked))" },
            {
                content: "The customer shows the QR code of their message: one scan",
                trigger: ".o_cc_scan",
                run: "edit CC:CCPOS-LOCK:246810 && press Enter",
            },
            { trigger: ".o_cc_order_name:contains(CCPOS-LOCK)" },
            { content: "Hand over", trigger: ".o_cc_action[data-action='hand_over']", run: "click" },
            {
                content: "The code read from the QR code is there, on a number pad",
                trigger: ".modal:not(.o_inactive_modal):has(.numpad) .value .input-value:contains(/^246810$/)",
            },
            Dialog.confirm("Hand Over"),
            { content: "Handed over", trigger: ".o_cc_order_state:contains(Collected)" },
        ].flat(),
});

registry.category("web_tour.tours").add("click_collect_pos_pay", {
    steps: () =>
        [
            openRegister(),
            openWebOrders(),
            openOrder("CCPOS-PAY"),
            { trigger: ".o_cc_payment_state:contains(Not Paid)" },
            {
                content: "A hand-over before payment is refused with the server's message",
                trigger: ".o_cc_action[data-action='hand_over']",
                run: "click",
            },
            NumberPopup.enterValue("135790"),
            Dialog.confirm("Hand Over"),
            { trigger: ".modal:not(.o_inactive_modal) .modal-body:contains(is not paid)" },
            Dialog.confirm(),
            { content: "Pay at the counter", trigger: ".o_cc_pay", run: "click" },
            ProductScreen.isShown(),
            Order.hasLine({ productName: "CC Test Shoe", quantity: "1" }),
            Order.hasLine({ productName: "CC Test Bag", quantity: "1" }),
            ProductScreen.totalAmountIs("80.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            openWebOrders(),
            openOrder("CCPOS-PAY"),
            { content: "The order is paid", trigger: ".o_cc_payment_state:contains(Paid):not(:contains(Not))" },
            handOver("135790"),
            { content: "Handed over", trigger: ".o_cc_order_state:contains(Collected)" },
        ].flat(),
});

registry.category("web_tour.tours").add("click_collect_pos_return", {
    steps: () =>
        [
            openRegister(),
            openWebOrders(),
            { content: "A customer brings goods back", trigger: ".o_cc_return_button", run: "click" },
            TextInputPopup.inputText("customer@example.com"),
            Dialog.confirm("Apply"),
            { content: "The order of another store is found", trigger: ".o_cc_return_order:contains(CCPOS-RET)" },
            { trigger: ".o_cc_return_mode:contains(till)" },
            {
                content: "One shoe comes back",
                trigger: ".o_cc_return_line[data-product='CC Test Shoe'] .o_cc_return_qty",
                run: "edit 1",
            },
            {
                content: "Damaged",
                trigger: ".o_cc_return_line[data-product='CC Test Shoe'] .o_cc_return_condition",
                run: "select damaged",
            },
            { trigger: ".o_cc_return_note", run: "edit Sole came off" },
            { content: "Pay back in cash", trigger: ".o_cc_return_method", run: "selectByLabel Cash" },
            { trigger: ".o_cc_return_confirm:not([disabled])", run: "click" },
            {
                content: "The till pays the customer back",
                trigger: ".o_notification:contains(50.00):contains(back to the customer)",
            },
            { trigger: "body:not(:has(.o_cc_return_dialog))" },
        ].flat(),
});

/** The customer of CCARR-1 says "I'm here" from their order's page once the cashier accepted
 * CCARR-0: the point of sale shows it without reloading, and the cashier answers. */
registry.category("web_tour.tours").add("click_collect_pos_arrival", {
    steps: () =>
        [
            openRegister(),
            {
                content: "Two waiting web orders, nobody here yet",
                trigger: ".o_cc_web_orders_button:not(:has(.o_cc_arrived_badge)) .o_cc_web_orders_badge:contains(2)",
                run: () => keepSounds(),
            },
            {
                content: "The cashier accepts CCARR-0: then the customer of CCARR-1 says they are here",
                trigger: ".o_cc_web_orders_badge",
                run: async () => {
                    const orm = posmodel.env.services.orm;
                    const [orderId] = await orm.search("sale.order", [["name", "=", "CCARR-0"]]);
                    await orm.call("pos.config", "cc_web_order_action", [posmodel.config.id, orderId, "accept"]);
                },
            },
            {
                content: "The bell on the badge, without reloading",
                trigger: ".o_cc_web_orders_button.o_cc_blink .o_cc_arrived_badge:contains(1)",
                timeout: 20000,
            },
            {
                content: "The bell rang",
                trigger: ".o_cc_arrived_badge",
                run: () => {
                    if (!window.ccSounds.includes("bell")) {
                        throw new Error(`expected the bell, heard ${JSON.stringify(window.ccSounds)}`);
                    }
                },
            },
            openWebOrders(),
            {
                content: "The order's row says the customer is here",
                trigger: ".o_cc_web_order_row[data-order='CCARR-1'] .o_cc_arrival_badge[data-arrival='arrived']",
            },
            openOrder("CCARR-1"),
            {
                content: "Where the customer waits",
                trigger: ".o_cc_arrival[data-arrival='arrived'] .o_cc_arrival_note:contains(grey car, bay 3)",
            },
            { content: "Coming out", trigger: ".o_cc_arrival .o_cc_coming_out", run: "click" },
            {
                content: "The customer reads it; the bell is gone",
                trigger: ".o_cc_arrival[data-arrival='coming_out']:not(:has(.o_cc_coming_out))",
            },
            { trigger: ".o_cc_web_orders_button:not(:has(.o_cc_arrived_badge))" },
        ].flat(),
});
