/* Orders: make one by hand, allocate it, group ticked orders into a wave. All through /api/v1. */
"use strict";
(function () {
  function show(form, res) {
    const msg = form.querySelector(".msg");
    msg.hidden = res.ok;
    msg.textContent = res.ok ? "" : MedScan.message(res.data) + problems(res.data);
  }

  function problems(data) {
    const list = data.problems || (data.fields && data.fields.problems) || [];
    return list.map((p) => ` · ${p.line || p.row || ""} ${p.column || p.field || ""}: ${p.message || ""}`).join("");
  }

  function lines(form) {
    const out = [];
    for (const set of form.querySelectorAll("fieldset.line")) {
      const item = set.querySelector("[name=item]").value;
      const quantity = parseInt(set.querySelector("[name=quantity]").value, 10);
      const lot = set.querySelector("[name=lot]").value.trim();
      if (item && quantity > 0) out.push({item: item, quantity: quantity, lot: lot || null});
    }
    return out;
  }

  const orderForm = document.getElementById("order-form");
  if (orderForm) {
    orderForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const data = new FormData(orderForm);
      const body = {kind: data.get("kind"), warehouse: data.get("warehouse"),
                    consignee: data.get("consignee"), reference: data.get("reference") || "",
                    requested_ship_date: data.get("requested_ship_date") || null,
                    delivery_date: data.get("delivery_date") || null, lines: lines(orderForm)};
      const res = await MedScan.post("/api/v1/orders", body, MedScan.newId());
      show(orderForm, res);
      if (res.ok) window.location.href = "/orders/" + encodeURIComponent(res.data.order_no);
    });
  }

  async function makeWave(box, numbers) {
    const res = await MedScan.post("/api/v1/waves", {orders: numbers}, MedScan.newId());
    show(box, res);
    if (res.ok) window.location.href = "/waves/" + encodeURIComponent(res.data.wave_no);
  }

  const waveForm = document.getElementById("wave-form");
  if (waveForm) {
    waveForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const ticked = Array.from(waveForm.querySelectorAll("input[name=orders]:checked"), (c) => c.value);
      if (ticked.length) makeWave(waveForm, ticked);
    });
  }

  const order = document.querySelector(".panel.order");
  if (order) {
    const number = order.dataset.order;
    const allocate = order.querySelector("button.allocate");
    if (allocate) allocate.addEventListener("click", async () => {
      const res = await MedScan.post(`/api/v1/orders/${encodeURIComponent(number)}/allocate`, {}, MedScan.newId());
      show(order, res);
      if (res.ok) window.location.reload();
    });
    const wave = order.querySelector("button.make-wave");
    if (wave) wave.addEventListener("click", () => makeWave(order, [number]));
  }
})();
