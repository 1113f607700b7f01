/* Customer returns and transfer receipts: open by the shipment's barcode, scan units back in. */
"use strict";
(function () {
  const t = MedScan.t;
  const strip = MedScan.docNumber;

  function message(form, res) {
    const msg = form.querySelector(".msg");
    msg.hidden = res.ok;
    msg.textContent = res.ok ? "" : MedScan.message(res.data);
  }

  const returnForm = document.getElementById("return-form");
  if (returnForm) {
    returnForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const data = new FormData(returnForm);
      const body = {shipment_no: strip(data.get("shipment_no")), reason: data.get("reason")};
      const res = await MedScan.post("/api/v1/returns", body, MedScan.newId());
      message(returnForm, res);
      if (res.ok) window.location.href = "/stations/returns/" + encodeURIComponent(res.data.return_no);
    });
  }

  const returning = document.getElementById("return");
  if (returning) {
    MedScan.attach(returning, {
      body: (raw, answers, scanId) => Object.assign({raw: raw, scan_id: scanId}, answers),
      questions: {RETURN_UNIT_NOT_SHIPPED: {name: "accept_flagged", word: "accept_flagged", type: "confirm"}},
    });
  }

  const chooser = document.getElementById("transfer");
  if (chooser) {
    MedScan.attach(chooser, {
      request: async (entry) => ({status: 200, ok: true, data: {shipment_no: strip(entry.raw)}, replayed: false}),
      fields: (data) => [[t("document"), data.shipment_no]],
      onResult: (ok, data) => { window.location.href = "/stations/transfers/" + encodeURIComponent(data.shipment_no); },
    });
  }

  const panel = document.querySelector(".panel.transfer");
  if (!panel) return;
  const base = `/api/v1/transfers/${encodeURIComponent(panel.dataset.shipment)}`;
  const receiving = document.getElementById("receive");
  if (receiving) {
    const arrival = document.getElementById("arrival");
    MedScan.attach(receiving, {
      body: (raw, answers, scanId) => ({raw: raw, scan_id: scanId,
                                        arrival_temp: arrival.value.trim() || null}),
      questions: {},
      fields: (data) => data.received ? data.received.map((p) =>  // warnings: amber, by scan.js
        [`${p.item} ${p.lot || ""} ${p.serial || ""}`, `${p.quantity} · ${t(p.status)}`])
        : MedScan.defaultFields(data),
    });
    document.getElementById("close-transfer").addEventListener("click", async () => {
      const res = await MedScan.post(`${base}/close`, {}, MedScan.newId());
      if (!res.ok) { window.alert(MedScan.message(res.data)); return; }
      window.location.reload();
    });
  }
  // By delegation: the line list is swapped in fresh after each scan (data-live).
  document.addEventListener("submit", async (ev) => {
    const form = ev.target.closest("form.resolve");
    if (!form) return;
    ev.preventDefault();
    const data = new FormData(form);
    const body = {line_id: parseInt(form.dataset.line, 10), outcome: data.get("outcome"),
                  quantity: parseInt(data.get("quantity"), 10), reason: data.get("reason")};
    const res = await MedScan.post(`${base}/resolve`, body, MedScan.newId());
    message(form, res);
    if (res.ok) window.location.reload();
  });
})();
