import { registry } from "@web/core/registry";

function select(name) {
    return {
        content: `Select ${name}`,
        trigger: `.o_data_row:contains(${name}) .o_list_record_selector input`,
        run: "click",
    };
}

registry.category("web_tour.tours").add("click_collect_batch_pick_list", {
    steps: () => [
        { content: "The web orders as a list", trigger: ".o_switch_view.o_list", run: "click" },
        { trigger: ".o_list_view .o_data_row:contains(CCBATCH1)" },
        select("CCBATCH1"),
        select("CCBATCH2"),
        select("CCBATCH3"),
        {
            content: "What the browser downloads is kept (the pick list's content)",
            trigger: ".o_cp_action_menus button:has(.fa-print)",
            run() {
                const send = XMLHttpRequest.prototype.send;
                XMLHttpRequest.prototype.send = function (...args) {
                    this.addEventListener("load", async () => {
                        if (!this.responseURL.includes("/report/download")) {
                            return;
                        }
                        const body = this.response instanceof Blob ? await this.response.text() : `${this.response}`;
                        const kept = document.createElement("div");
                        kept.className = "o_cc_test_download";
                        kept.dataset.status = this.status;
                        kept.textContent = new DOMParser().parseFromString(body, "text/html").body.textContent;
                        document.body.appendChild(kept);
                    });
                    return send.apply(this, args);
                };
            },
        },
        { content: "Print", trigger: ".o_cp_action_menus button:has(.fa-print)", run: "click" },
        { content: "One pick list for the selection", trigger: ".o-dropdown-item:contains(Batch Pick List)", run: "click" },
        {
            content: "By location and product, with which order takes how many",
            // the report is rendered on the server: give a busy machine time
            timeout: 30000,
            trigger: ".o_cc_test_download[data-status='200']:contains(Shelf 1):contains(Shelf 2):contains(CCBATCH1):contains(CCBATCH2):contains(CCBATCH3)",
        },
        // printing ends the selection: select them again
        select("CCBATCH1"),
        select("CCBATCH2"),
        select("CCBATCH3"),
        {
            content: "Then all of them to preparing at once",
            trigger: ".o_control_panel button:contains(Start Preparing)",
            run: "click",
        },
        {
            content: "Those that could moved; the one that could not is named",
            trigger: ".o_notification:contains(2 of 3 web orders are now Preparing):contains(CCBATCH3 is New)",
        },
    ],
});
