/* Count plan pages: make a plan, set reason codes, approve with a signature (password); on a
 * running plan add a counter, assign a recount to a named counter, or cancel with a reason. */
"use strict";
(function () {
  function show(form, res) {
    const msg = form.querySelector(".msg");
    if (!msg) return;
    msg.hidden = res.ok;
    msg.textContent = res.ok ? "" : MedScan.message(res.data);
  }

  function number(form, name) {
    const value = form.querySelector(`[name=${name}]`).value.trim();
    return value === "" ? null : Number(value);
  }

  function ticked(form, name) {
    return Array.from(form.querySelectorAll(`input[name=${name}]:checked`), (el) => el.value);
  }

  function planBody(form) {
    const kind = form.querySelector("input[name=kind]:checked").value;
    const body = {warehouse: form.querySelector("select[name=warehouse]").value, kind: kind,
                  counters: ticked(form, "counters"),
                  deadline: form.querySelector("input[name=deadline]").value || null,
                  accept_one_counter: form.querySelector("input[name=accept_one_counter]").checked};
    if (kind === "ZONES") body.zones = ticked(form, "zones");
    if (kind === "CYCLE") {
      body.cycle = {abc_due: ticked(form, "abc_due"), not_counted_days: number(form, "not_counted_days"),
                    variance_days: number(form, "variance_days"),
                    pick_error_days: number(form, "pick_error_days")};
    }
    return body;
  }

  function showKind(form) {
    const kind = form.querySelector("input[name=kind]:checked").value;
    const warehouse = form.querySelector("select[name=warehouse]").value;
    for (const box of form.querySelectorAll("fieldset[data-kind]")) box.hidden = box.dataset.kind !== kind;
    for (const label of form.querySelectorAll(".zones label")) label.hidden = label.dataset.warehouse !== warehouse;
    // One person able to count: the first variance would wait for a second one.
    const named = ticked(form, "counters").length;
    const everyone = form.querySelectorAll("input[name=counters]").length;
    form.querySelector(".one-counter").hidden = !(named === 1 || (named === 0 && everyone < 2));
  }

  const planForm = document.getElementById("plan-form");
  if (planForm) {
    planForm.addEventListener("change", () => showKind(planForm));
    showKind(planForm);
    planForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const res = await MedScan.post("/api/v1/counting/plans", planBody(planForm), MedScan.newId());
      show(planForm, res);
      if (res.ok) window.location.href = "/counting/plans/" + encodeURIComponent(res.data.plan_no);
    });
    return;
  }

  const panel = document.querySelector(".panel.count-plan-admin");
  const base = `/api/v1/counting/plans/${encodeURIComponent(panel.dataset.plan)}`;

  function sending(form, path, body) {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const payload = body(form);
      if (payload === null) return;
      const res = await MedScan.post(`${base}/${path}`, payload, MedScan.newId());
      show(form, res);
      if (res.ok) window.location.reload();
    });
  }

  const counter = document.getElementById("counter-form");
  if (counter) sending(counter, "counters", (f) => ({username: f.querySelector("select").value}));
  for (const form of document.querySelectorAll("form.assign-form")) {
    sending(form, "recounts", (f) => ({location: f.dataset.location,
                                       counter: f.querySelector("select").value}));
  }
  const cancel = document.getElementById("cancel-form");
  if (cancel) {
    sending(cancel, "cancel", (f) => window.confirm(MedScan.t("cancel_confirm"))
      ? {reason: f.querySelector("input[name=reason]").value} : null);
  }
  const reasons = document.getElementById("reasons-form");
  if (reasons && reasons.querySelector(".save-reasons")) {
    reasons.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const chosen = Array.from(reasons.querySelectorAll("select[name=reason]"))
        .filter((el) => el.value).map((el) => ({line_id: Number(el.dataset.line), reason_code: el.value}));
      if (!chosen.length) return;
      const res = await MedScan.post(`${base}/reasons`, {reasons: chosen}, MedScan.newId());
      show(reasons, res);
      if (res.ok) window.location.reload();
    });
  }
  const approve = document.getElementById("approve-form");
  if (approve) {
    approve.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const password = approve.querySelector("input[name=password]");
      const res = await MedScan.post(`${base}/approve`, {password: password.value}, MedScan.newId());
      password.value = "";
      show(approve, res);
      if (res.ok) window.location.reload();
    });
  }
})();
