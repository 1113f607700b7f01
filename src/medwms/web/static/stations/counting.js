/* Blind counting: scan the plan sheet, scan the location, scan units (or key a pack), close.
 * The server never sends this page an expected quantity; the tally is the counter's own. */
"use strict";
(function () {
  const t = MedScan.t;

  function go(url) { window.location.href = url; }

  function strip(raw) { return MedScan.docNumber(raw).toUpperCase(); }

  async function send(method, url) {
    const response = await fetch(url, {
      method: method, credentials: "same-origin",
      headers: {"Accept": "application/json", "Accept-Language": document.documentElement.lang,
                "X-CSRF-Token": MedScan.csrf(), "Idempotency-Key": MedScan.newId()}});
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    return {ok: response.ok, status: response.status, data: data};
  }

  const planChooser = document.getElementById("plan");
  if (planChooser) {  // step 1: a scanned count sheet opens its plan
    MedScan.attach(planChooser, {
      request: async () => ({ok: true, status: 200, data: {}}),
      fields: () => [],
      onResult: (ok, data, entry) => go("/stations/counting/plans/" + encodeURIComponent(strip(entry.raw))),
    });
    return;
  }

  const planPanel = document.querySelector(".panel.count-plan");
  if (planPanel) {  // step 2: scan (or tap) a location to start counting it
    const start = `/api/v1/counting/plans/${encodeURIComponent(planPanel.dataset.plan)}/start`;
    const open = (data) => go("/stations/counting/tasks/" + data.task_id);
    MedScan.attach(document.getElementById("location"), {
      body: (raw) => ({location_raw: raw}),
      questions: {},
      fields: (data) => data.task_id ? [[t("location"), data.location]] : MedScan.defaultFields(data),
      onResult: (ok, data) => { if (ok && data.task_id) open(data); },
    });
    for (const button of document.querySelectorAll("button.start")) {
      button.addEventListener("click", async () => {
        const res = await MedScan.post(start, {location_raw: button.dataset.location}, MedScan.newId());
        if (res.ok) open(res.data);
        else window.alert(MedScan.message(res.data));
      });
    }
    return;
  }

  const panel = document.querySelector(".panel.count-task");
  const base = `/api/v1/counting/tasks/${panel.dataset.task}`;
  const list = document.querySelector("ul.entries");
  const pack = document.getElementById("pack-quantity");
  pack.addEventListener("keydown", (ev) => {  // keyed the quantity: the scanner goes next
    if (ev.key === "Enter") { ev.preventDefault(); document.querySelector("#count .scan-input").focus(); }
  });

  function tally() {
    const rows = list.querySelectorAll("li.entry");
    let units = 0;
    for (const li of rows) units += Number(li.dataset.quantity);
    panel.querySelector(".units").textContent = String(units);
    panel.querySelector(".scans").textContent = String(rows.length);
    document.getElementById("close").hidden = rows.length === 0;
    document.getElementById("close-empty").hidden = rows.length !== 0;
  }

  function addRow(data) {
    const li = document.getElementById("entry-row").content.firstElementChild.cloneNode(true);
    li.dataset.entry = data.entry_id;
    li.dataset.quantity = data.quantity;
    li.querySelector(".item").textContent = data.item;
    li.querySelector(".name").textContent = data.item_name || "";
    li.querySelector(".lot").textContent = data.lot || "—";
    li.querySelector(".serial").textContent = data.serial ? ` · ${t("serial_word")} ${data.serial}` : "";
    li.querySelector(".qty").textContent = `× ${data.quantity}`;
    li.querySelector(".remove").dataset.entry = data.entry_id;
    list.prepend(li);
    tally();
  }

  MedScan.attach(document.getElementById("count"), {
    body: (raw, answers, scanId) => {
      const body = {raw: raw, scan_id: scanId};
      if (pack.value.trim()) body.quantity = Number(pack.value);
      return body;
    },
    questions: {},
    onResult: (ok, data) => {
      if (!ok || data.entry_id === undefined) return;
      pack.value = "";
      if (!list.querySelector(`li.entry[data-entry="${data.entry_id}"]`)) addRow(data);
    },
  });

  list.addEventListener("click", async (ev) => {
    const button = ev.target.closest("button.remove");
    if (!button || !window.confirm(t("confirm_delete"))) return;
    const res = await send("DELETE", `${base}/scans/${button.dataset.entry}`);
    if (!res.ok) { window.alert(MedScan.message(res.data)); return; }
    button.closest("li.entry").remove();
    tally();
  });

  async function close(empty) {
    if (empty && !window.confirm(t("confirm_empty"))) return;
    const res = await send("POST", `${base}/close`);
    const msg = document.querySelector(".close-msg");
    msg.hidden = res.ok;
    msg.textContent = res.ok ? "" : MedScan.message(res.data);
    if (res.ok) {
      go(`/stations/counting/plans/${encodeURIComponent(panel.dataset.plan)}?closed=${encodeURIComponent(panel.dataset.location)}`);
    }
  }
  document.getElementById("close").addEventListener("click", () => close(false));
  document.getElementById("close-empty").addEventListener("click", () => close(true));
})();
