/* Shipping: open the shipment, add shipping units (SSCC; cold boxes with logger and temperature),
 * scan units into the chosen unit (scanning an SSCC chooses it), confirm with carrier and waybill. */
"use strict";
(function () {
  const t = MedScan.t;

  function open(number) {
    window.location.href = "/stations/shipping/" + encodeURIComponent(number);
  }

  async function start(orderNo, id) {
    const number = MedScan.docNumber(orderNo);
    return MedScan.post(`/api/v1/orders/${encodeURIComponent(number)}/shipment`, {}, id);
  }

  const chooser = document.getElementById("order");
  if (chooser) {
    MedScan.attach(chooser, {
      request: (entry) => start(entry.raw, entry.id),
      fields: (data) => data.shipment_no ? [[t("document"), data.shipment_no]] : [],
      onResult: (ok, data) => { if (ok && data.shipment_no) open(data.shipment_no); },
    });
    for (const button of document.querySelectorAll("button.start")) {
      button.addEventListener("click", async () => {
        const res = await start(button.dataset.order, MedScan.newId());
        if (res.ok) open(res.data.shipment_no);
        else MedScan.refuseStart(MedScan.message(res.data));
      });
    }
    return;
  }

  const panel = document.querySelector(".panel.shipment");
  const base = `/api/v1/shipments/${encodeURIComponent(panel.dataset.shipment)}`;
  const section = document.getElementById("pack");
  if (!section) return;  // shipped: nothing to do here
  const current = document.querySelector(".panel.current");
  let sscc = null;

  function choose(code) {
    sscc = code;
    current.hidden = false;
    current.querySelector(".sscc").textContent = code;
    for (const li of document.querySelectorAll(".units li.unit")) {
      li.classList.toggle("current", li.dataset.sscc === code);
    }
  }

  function ssccOf(raw) {
    const match = raw.trim().match(/^(?:\][A-Za-z]\d)?\(?00\)?(\d{18})$/);
    return match ? match[1] : null;
  }

  function packed(data) {
    document.querySelector(".pack-left").textContent = data.left_to_pack;
    const key = `${data.item}|${data.lot || ""}|${data.serial || ""}`;
    const row = document.querySelector(`.to-pack tr[data-key="${CSS.escape(key)}"] .packed`);
    if (row) row.textContent = String(parseInt(row.textContent, 10) + data.quantity);
    const unit = document.querySelector(`.units li[data-sscc="${data.sscc}"] .qty`);
    if (unit) unit.textContent = String(parseInt(unit.textContent, 10) + data.quantity);
  }

  MedScan.attach(section, {
    request: async (entry) => {
      const code = ssccOf(entry.raw);
      if (code) return {status: 200, ok: true, data: {sscc: code, chosen: true}, replayed: false};
      if (!sscc) return {status: 409, ok: false, data: {message: t("choose_unit")}, replayed: false};
      return MedScan.post(`${base}/units/${sscc}/scans`, {raw: entry.raw, scan_id: entry.id}, entry.id);
    },
    questions: {},
    fields: (data) => data.chosen ? [["SSCC", data.sscc]] : data.left_to_pack === undefined
      ? MedScan.defaultFields(data)
      : [[t("item"), data.item], [t("lot"), data.lot || "—"]]
        .concat(data.serial ? [[t("serial"), data.serial]] : [])
        .concat([[t("quantity"), String(data.quantity)], ["SSCC", data.sscc],
                 [t("left"), String(data.left_to_pack)]]),
    onResult: (ok, data) => {
      if (ok && data.chosen) choose(data.sscc);
      else if (ok) packed(data);
    },
  });

  for (const button of document.querySelectorAll(".units button.use")) {
    button.addEventListener("click", () => { choose(button.closest("li").dataset.sscc); MedScan.beep(true); });
  }
  const units = document.querySelectorAll(".units li.unit");
  const wanted = window.location.hash.slice(1);
  if (wanted) choose(wanted);
  else if (units.length) choose(units[units.length - 1].dataset.sscc);

  function message(form, res) {
    const msg = form.querySelector(".msg");
    msg.hidden = res.ok;
    msg.textContent = res.ok ? "" : MedScan.message(res.data);
  }

  const unitForm = document.getElementById("unit-form");
  const coldFields = unitForm.querySelector(".cold-fields");
  const cold = unitForm.querySelector("[name=cold]");
  const toggle = () => { coldFields.hidden = !cold.checked; };
  cold.addEventListener("change", toggle);
  toggle();
  unitForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = new FormData(unitForm);
    const body = cold.checked
      ? {cold: true, box_id: data.get("box_id"), logger_id: data.get("logger_id"),
         dispatch_temp: data.get("dispatch_temp") || null}
      : {cold: false};
    const res = await MedScan.post(`${base}/units`, body, MedScan.newId());
    message(unitForm, res);
    if (res.ok) { window.location.hash = res.data.sscc; window.location.reload(); }
  });

  const confirmForm = document.getElementById("confirm-form");
  confirmForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(confirmForm).entries());
    const res = await MedScan.post(`${base}/confirm`, body, MedScan.newId());
    message(confirmForm, res);
    if (res.ok) window.location.href = window.location.pathname;
  });
})();
