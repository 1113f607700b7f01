/* Putaway: scan the unit (→ suggested location), then scan the location (→ PUTAWAY posted). */
"use strict";
(function () {
  const section = document.getElementById("putaway");
  const panel = document.querySelector(".panel.target");
  const label = section.querySelector(".scan-label");
  const t = MedScan.t;
  let proposal = null;  // the unit scanned and where it should go

  function expectUnit() {
    proposal = null;
    panel.hidden = true;
    label.textContent = t("scan_unit");
  }

  function expectLocation(data, raw) {
    proposal = Object.assign({raw: raw}, data);
    panel.hidden = false;
    panel.querySelector(".suggested").textContent = data.suggested_location;
    panel.querySelector(".what").textContent =
      `${data.item} ${data.lot || ""} · ${data.quantity} · ${t(data.status)} · ${data.from_location}`;
    label.textContent = t("scan_location");
  }

  function body(raw, answers) {
    if (!proposal) return {raw: raw};
    return Object.assign({raw: proposal.raw, location_raw: raw, item: proposal.item,
                          lot: proposal.lot, serial: proposal.serial,
                          from_location: proposal.from_location, status: proposal.status,
                          quantity: proposal.quantity}, answers);
  }

  const field = MedScan.attach(section, {
    endpoint: () => proposal ? "/api/v1/putaway/confirm" : "/api/v1/putaway/suggest",
    body: body,
    questions: {LOCATION_NOT_SUGGESTED: {name: "override_reason", word: "override",
                                         type: "text", when: (d) => d.fields && d.fields.can_override}},
    fields: (data) => data.to_location
      ? [[t("location"), data.to_location], [t("item"), `${data.item} ${data.lot || ""}`],
         [t("quantity"), String(data.quantity)], [t("status"), t(data.status)]]
      : MedScan.defaultFields(data),
    onResult: (ok, data, entry) => {
      if (ok && data.to_location) expectUnit();
      else if (ok && data.suggested_location) expectLocation(data, entry.raw);
    },
  });
  panel.querySelector(".restart").addEventListener("click", () => { expectUnit(); field.focus(); });
})();
