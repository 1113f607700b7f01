/* Receiving, step 2: scan cartons into the open receipt; ask for what the barcode lacks. */
"use strict";
(function () {
  const section = document.getElementById("receive");
  if (!section) return;
  const receiptNo = section.dataset.endpoint.split("/")[4];
  const t = MedScan.t;
  const packs = document.getElementById("packs");
  const arrival = document.getElementById("arrival");
  const arrivalForm = document.getElementById("arrival-form");
  let waiting = null;  // a scan refused for want of the arrival temperature

  const questions = Object.assign({}, MedScan.QUESTIONS, {
    QUANTITY_OVER_NOTICE: {name: "confirm_over", word: "over_confirm", type: "confirm"},
  });

  const field = MedScan.attach(section, {
    questions: questions,
    body: (raw, answers, scanId) => Object.assign(
      {raw: raw, scan_id: scanId, quantity_packs: Math.max(1, parseInt(packs.value, 10) || 1)},
      answers),
    onResult: (ok, data, entry) => {
      if (!ok && data.code === "ARRIVAL_REQUIRED") {
        waiting = entry;
        arrival.open = true;
        arrivalForm.querySelector("input").focus();
      }
    },
  });

  arrivalForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(arrivalForm).entries());
    const res = await MedScan.post(`/api/v1/receipts/${receiptNo}/arrival`, body, MedScan.newId());
    const msg = arrivalForm.querySelector(".msg");
    msg.hidden = res.ok;
    msg.textContent = res.ok ? "" : MedScan.message(res.data);
    if (!res.ok) return;
    document.querySelector(".arrival-shown").textContent =
      `${t("arrival_done")}: ${res.data.arrival_temp} °C · ${res.data.logger_id}`;
    arrival.open = false;
    if (waiting) { const again = waiting; waiting = null; field.submit(again.raw, again.answers); }
    else field.focus();
  });

  document.getElementById("close-receipt").addEventListener("click", async () => {
    if (!window.confirm(t("close_confirm"))) { field.focus(); return; }
    const res = await MedScan.post(`/api/v1/receipts/${receiptNo}/close`, {}, MedScan.newId());
    const box = document.getElementById("closed");
    box.hidden = false;
    if (!res.ok) { box.textContent = MedScan.message(res.data); return; }
    const found = res.data.discrepancies || [];
    const panel = document.querySelector(".panel.receipt");
    box.replaceChildren();
    const head = document.createElement("strong");
    head.textContent = found.length ? t("differences")
      : (panel.dataset.notice ? t("no_differences") : t("closed"));
    box.append(head);
    for (const d of found) {
      const line = document.createElement("div");
      line.textContent = `${t(d.kind)} · ${d.item} ${d.lot_no || ""} · ${d.received} / ${d.expected}`;
      box.append(line);
    }
    stopScanning(panel);
  });

  /** A closed receipt takes no more scans: the field, packs, arrival and close go away. */
  function stopScanning(panel) {
    panel.dataset.status = "CLOSED";
    section.querySelector(".scan-input").disabled = true;
    for (const el of [section, arrival, packs.closest("label"),
                      document.querySelector(".close-row")]) {
      if (el) el.hidden = true;
    }
  }
})();
