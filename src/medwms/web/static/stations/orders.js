/* Orders: allocate one, group ticked orders into a wave, through /api/v1 (the order form
   itself is a plain form posting to /orders/new). */
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
