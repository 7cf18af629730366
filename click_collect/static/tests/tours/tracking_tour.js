import { registry } from "@web/core/registry";

/** The tracking page of a ready Click & Collect order, opened by the link of its messages. */
registry.category("web_tour.tours").add("click_collect_tracking_page", {
    steps: () => [
        {
            content: "The steps done have their dates",
            trigger: ".o_cc_step[data-state=accepted][data-status=done] .text-muted span",
        },
        {
            trigger: ".o_cc_step[data-state=preparing][data-status=done]",
        },
        {
            content: "The order waits at the store: the current step",
            trigger: ".o_cc_step[data-state=ready][data-status=current]:contains(Ready for pickup)",
        },
        {
            content: "Collecting it is the next one",
            trigger: ".o_cc_step[data-state=collected][data-status=next]:contains(Next step)",
        },
        {
            content: "The pickup store, its address and opening hours",
            trigger: ".o_cc_store:contains(Test Store A):contains(Rue Neuve 12)",
        },
        {
            trigger: ".o_cc_opening_hours:contains(Monday)",
        },
        {
            content: "The pickup code while the order waits",
            trigger: ".o_cc_pickup_code:contains(246810)",
        },
        {
            content: "and its QR code, to show at the counter",
            trigger: "img.o_cc_qr",
            run: () => {
                const img = document.querySelector("img.o_cc_qr");
                if (!img.complete || !img.naturalWidth) {
                    throw new Error("the QR code did not load");
                }
            },
        },
    ],
});

/** On a phone: the pickup code and its QR code first, then the store, then the steps. */
registry.category("web_tour.tours").add("click_collect_tracking_phone", {
    steps: () => [
        {
            content: "The code, the store and the steps, in that order from the top",
            trigger: ".o_cc_code img.o_cc_qr",
            run: () => {
                const top = (selector) => document.querySelector(selector).getBoundingClientRect().top;
                const [code, store, steps] = [top(".o_cc_code"), top(".o_cc_store"), top(".o_cc_steps")];
                if (!(code < store && store < steps)) {
                    throw new Error(`code at ${code}, store at ${store}, steps at ${steps}`);
                }
                if (window.innerWidth > 500) {
                    throw new Error(`not a phone: ${window.innerWidth} px wide`);
                }
            },
        },
    ],
});

/** A wrong token: the page shows nothing of the order. */
registry.category("web_tour.tours").add("click_collect_tracking_wrong_token", {
    steps: () => [
        {
            content: "Not found",
            trigger: "body:contains(404)",
        },
        {
            content: "Nothing of the order",
            trigger: "body:not(:has(.o_cc_tracking)):not(:contains(246810)):not(:contains(CC Test Customer))",
        },
    ],
});

/** "Track my order": a customer who lost their link gives the order number (in the page's
 * link here) and the email address of the order. */
registry.category("web_tour.tours").add("click_collect_track_form", {
    steps: () => [
        {
            content: "An email address that is not the order's",
            trigger: "form.o_cc_track_form input[name=contact]",
            run: "edit someone@else.com",
        },
        {
            trigger: "form.o_cc_track_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Nothing matches",
            trigger: ".alert-danger:contains(No order matches)",
        },
        {
            content: "The email address of the order",
            trigger: "form.o_cc_track_form input[name=contact]",
            run: "edit customer@example.com",
        },
        {
            trigger: "form.o_cc_track_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The tracking page of the order",
            trigger: ".o_cc_step[data-state=ready][data-status=current]",
        },
        {
            content: "without the pickup code: it is in the customer's messages",
            trigger: ".o_cc_code_elsewhere:not(:has(.o_cc_pickup_code))",
        },
        {
            trigger: "body:not(:contains(246810)):not(:has(img.o_cc_qr))",
        },
    ],
});

/** On a phone, the customer cancels an order the store has not started preparing. */
registry.category("web_tour.tours").add("click_collect_tracking_cancel", {
    steps: () => [
        { content: "The store, with directions", trigger: ".o_cc_store .o_cc_directions[href*='maps']" },
        { content: "Cancel my order", trigger: ".o_cc_cancel summary", run: "click" },
        {
            content: "Confirm",
            trigger: ".o_cc_cancel .o_cc_cancel_confirm",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Cancelled, and nothing more to cancel",
            trigger: ".o_cc_tracking[data-state='cancelled']",
            run: () => {
                if (document.querySelector(".o_cc_cancel")) {
                    throw new Error("the cancel form is still offered");
                }
            },
        },
    ],
});

/** The customer of a ready order says they are on their way, then that they are here. */
registry.category("web_tour.tours").add("click_collect_tracking_arrival", {
    steps: () => [
        {
            content: "Where the curbside bays are",
            trigger: ".o_cc_arrival_form .o_cc_curbside:contains('Bays 1 to 4')",
        },
        {
            content: "I'm on my way",
            trigger: ".o_cc_arrival_form .o_cc_on_my_way",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The store knows",
            trigger: ".o_cc_arrival_form .o_cc_on_the_way",
        },
        {
            content: "Where to find me",
            trigger: ".o_cc_arrival_form input[name=note]",
            run: "edit grey car, bay 3",
        },
        {
            content: "I'm here",
            trigger: ".o_cc_arrival_form .o_cc_im_here",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The store knows I am here, and my note",
            trigger: ".o_cc_arrived:contains('grey car, bay 3')",
            run: () => {
                if (document.querySelector(".o_cc_arrival_form")) {
                    throw new Error("the form is still offered");
                }
            },
        },
    ],
});

/** On a phone, the customer picks the order up at another store. */
registry.category("web_tour.tours").add("click_collect_tracking_store_change", {
    steps: () => [
        { content: "At store A", trigger: ".o_cc_store:contains('Test Store A')" },
        { content: "Another store", trigger: ".o_cc_change_store summary", run: "click" },
        {
            content: "Store B has it now",
            trigger: ".o_cc_change_store label:contains('Test Store B'):has(.o_cc_store_available)",
            run: "click",
        },
        {
            content: "Pick it up there",
            trigger: ".o_cc_change_store .o_cc_change_store_confirm",
            run: "click",
            expectUnloadPage: true,
        },
        { content: "At store B now", trigger: ".o_cc_store:contains('Test Store B')" },
    ],
});
