/* Receiving, step 1: a scanned #D: barcode opens that receipt (or the notice's receipt). */
"use strict";
(function () {
  async function getJson(url) {
    const response = await fetch(url, {credentials: "same-origin",
      headers: {"Accept": "application/json", "Accept-Language": document.documentElement.lang}});
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    return {status: response.status, ok: response.ok, data: data, replayed: false};
  }

  /* A receipt barcode names an existing receipt; anything else is taken as a notice number. */
  async function open(entry) {
    const found = await getJson("/api/v1/receipts/by-scan?raw=" + encodeURIComponent(entry.raw));
    if (found.ok || found.data.code !== "RECEIPT_NOT_FOUND") {
      return found.ok ? {status: 200, ok: true, data: found.data.header, replayed: false} : found;
    }
    return MedScan.post("/api/v1/receipts", {notice_no: entry.raw}, entry.id);
  }

  function go(receiptNo) {
    window.location.href = "/stations/receiving/" + encodeURIComponent(receiptNo);
  }

  MedScan.attach(document.getElementById("doc"), {
    request: open,
    fields: (data) => data.receipt_no ? [[MedScan.t("document"), data.receipt_no]] : [],
    onResult: (ok, data) => { if (ok && data.receipt_no) go(data.receipt_no); },
  });

  const form = document.getElementById("po-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(form).entries());
    const res = await MedScan.post("/api/v1/receipts", body, MedScan.newId());
    if (res.ok) { go(res.data.receipt_no); return; }
    const msg = form.querySelector(".msg");
    msg.hidden = false;
    msg.textContent = MedScan.message(res.data);
  });
})();
