/* Inspection: pick a lot (opens its inspection), fill the checks, sign with the password. */
"use strict";
(function () {
  for (const button of document.querySelectorAll(".pending button.inspect")) {
    button.addEventListener("click", async () => {
      const card = button.closest("li");
      const body = {receipt_no: card.dataset.receipt, item: card.dataset.item,
                    lot: card.dataset.lot || null};
      const res = await MedScan.post("/api/v1/inspections", body, MedScan.newId());
      if (res.ok) {
        window.location.href = "/stations/inspection/" + encodeURIComponent(res.data.inspection_no);
        return;
      }
      const error = document.getElementById("open-error");
      error.hidden = false;
      error.textContent = MedScan.message(res.data);
    });
  }

  const form = document.getElementById("conclude");
  if (!form) return;
  const partial = form.querySelector(".partial");
  const rejecting = form.querySelector(".rejecting");
  form.addEventListener("change", () => {
    const conclusion = (form.querySelector("input[name=conclusion]:checked") || {}).value;
    partial.hidden = conclusion !== "PARTIAL";
    rejecting.hidden = conclusion === "ACCEPT" || !conclusion;
  });

  function finding() {
    const data = Object.fromEntries(new FormData(form).entries());
    const body = {conclusion: data.conclusion, sample_size: parseInt(data.sample_size, 10) || 0,
                  notes: data.notes || "", reason: data.reason || "",
                  disposition: data.disposition || "", password: data.password};
    for (const name of ["packaging_ok", "label_ok", "certificate_ok", "temperature_ok"]) {
      body[name] = data[name] === "" ? null : data[name] === "true";
    }
    if (data.conclusion === "PARTIAL") {
      body.accepted_qty = parseInt(data.accepted_qty, 10) || 0;
      body.rejected_qty = parseInt(data.rejected_qty, 10) || 0;
    }
    return body;
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const url = `/api/v1/inspections/${form.dataset.inspection}/conclude`;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const res = await MedScan.post(url, finding(), MedScan.newId());
    button.disabled = false;
    MedScan.beep(res.ok);
    if (res.ok) { window.location.reload(); return; }
    const msg = form.querySelector(".msg");
    msg.hidden = false;
    msg.textContent = MedScan.message(res.data);
    form.querySelector("input[name=password]").value = "";
  });
})();
