/* Receiving, step 2: scan cartons into the open receipt; ask for what the barcode lacks.
 *
 * A scan is posted once, by the person's action. A cold scan refused for want of the arrival
 * temperature is HELD: shown as held, never re-sent by itself. Once the arrival is recorded
 * the person posts it (a button) or discards it — a habitual re-scan of the carton posts
 * that scan alone, and the held one stays offered until they choose. */
"use strict";
(function () {
  const section = document.getElementById("receive");
  if (!section) return;
  const receiptNo = section.dataset.endpoint.split("/")[4];
  const t = MedScan.t;
  const packs = document.getElementById("packs");
  const arrival = document.getElementById("arrival");
  const arrivalForm = document.getElementById("arrival-form");
  const heldPanel = document.getElementById("held");
  const postHeld = document.getElementById("post-held");
  let held = null;  // the scan refused for want of the arrival temperature, not posted
  let arrivalRecorded = document.querySelector(".arrival-shown").textContent.trim() !== "";

  function showHeld(note) {
    heldPanel.hidden = held === null;
    if (held === null) return;
    heldPanel.querySelector(".held-raw").textContent = held.li.querySelector(".what").textContent;
    heldPanel.querySelector(".held-note").textContent = t(note);
    postHeld.disabled = !arrivalRecorded;
  }

  function hold(entry) {
    if (held && held !== entry) held.li.querySelector(".why").textContent = t("held_replaced");
    held = entry;
    entry.li.className = "wait held";
    entry.li.querySelector(".why").textContent = t("held");
    showHeld(arrivalRecorded ? "held_ready" : "held_wait");
  }

  function release(why) {
    if (held) held.li.querySelector(".why").textContent = t(why);
    held = null;
    showHeld("");
    field.focus();
  }

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
        hold(entry);
        arrival.open = true;
        arrivalForm.querySelector("input").focus();
      } else if (ok && held && entry.raw === held.raw) {
        showHeld("held_rescanned");  // the carton was scanned again: the held one is extra
      }
    },
  });

  postHeld.addEventListener("click", () => {
    if (!held) return;
    const again = held;
    release("held_posted");
    field.submit(again.raw, Object.assign({}, again.answers,
                                          {quantity_packs: again.body.quantity_packs}));
  });
  document.getElementById("discard-held").addEventListener("click", () => release("discarded"));

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
    arrivalRecorded = true;
    showHeld("held_ready");  // the held scan waits for the person's choice: nothing is re-sent
    field.focus();
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
