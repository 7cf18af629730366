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
