import { registry } from "@web/core/registry";

const WORKING_COLUMNS = ["New", "Accepted", "Preparing", "In transit to the store", "Ready for pickup", "Shipped"];

registry.category("web_tour.tours").add("click_collect_kanban_columns", {
    steps: () => [
        {
            content: "The store's web orders, by state",
            trigger: ".o_cc_web_order_kanban .o_kanban_record:contains(CCKAN1)",
        },
        {
            content: "Its working columns in the flow's order, Ready for pickup on screen",
            trigger: ".o_kanban_group .o_column_title:contains(Ready for pickup)",
            run() {
                const titles = [...document.querySelectorAll(".o_kanban_group .o_column_title")].map(
                    // a column's title, without its count
                    (title) => title.textContent.trim().replace(/\s*\(\d+\)$/, "")
                );
                if (JSON.stringify(titles) !== JSON.stringify(WORKING_COLUMNS)) {
                    throw new Error(`Columns: ${titles.join(", ")}`);
                }
                const ready = [...document.querySelectorAll(".o_kanban_group")].find((group) =>
                    group.querySelector(".o_column_title").textContent.includes("Ready for pickup")
                );
                const right = ready.getBoundingClientRect().right;
                if (right > window.innerWidth) {
                    throw new Error(`Ready for pickup ends at ${right} px, the screen at ${window.innerWidth} px`);
                }
            },
        },
    ],
});
