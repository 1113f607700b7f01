/* Verification (复核): start by order, re-scan each unit, finish; a manager resolves discrepancies. */
"use strict";
(function () {
  const t = MedScan.t;

  function open(number) {
    window.location.href = "/stations/verification/" + encodeURIComponent(number);
  }

  async function start(orderNo, id) {
    const number = MedScan.docNumber(orderNo);
    return MedScan.post(`/api/v1/orders/${encodeURIComponent(number)}/verification`, {}, id);
  }

  const chooser = document.getElementById("order");
  if (chooser) {  // step 1: a scanned order label (or a tap) starts or continues a verification
    MedScan.attach(chooser, {
      request: (entry) => start(entry.raw, entry.id),
      fields: (data) => data.verification_no ? [[t("document"), data.verification_no]] : [],
      onResult: (ok, data) => { if (ok && data.verification_no) open(data.verification_no); },
    });
    for (const button of document.querySelectorAll("button.start")) {
      button.addEventListener("click", async () => {
        const res = await start(button.dataset.order, MedScan.newId());
        if (res.ok) open(res.data.verification_no);
        else MedScan.refuseStart(MedScan.message(res.data));
      });
    }
    return;
  }

  const panel = document.querySelector(".panel.verification");
  const number = panel.dataset.verification;
  const base = `/api/v1/verifications/${encodeURIComponent(number)}`;
  const section = document.getElementById("verify");

  // The review checklist (G26): nothing marked = all four checks fine (the scan is the "all
  // fine" key); a marked check is sent as failed and the marks are cleared after each scan.
  const checklist = document.getElementById("checklist");
  const boxes = checklist ? Array.from(checklist.querySelectorAll('input[name="failed"]')) : [];
  const note = checklist ? checklist.querySelector('input[name="note"]') : null;
  function failedChecks() { return boxes.filter((b) => b.checked).map((b) => b.value); }
  function showChecklist() {
    if (!checklist) return;
    const failed = boxes.filter((b) => b.checked);
    const state = checklist.querySelector(".checklist-state");
    state.textContent = failed.length === 0 ? state.dataset.fine
      : `${state.dataset.failing} ${failed.map((b) => b.parentElement.textContent.trim()).join("; ")}`;
    checklist.classList.toggle("failing", failed.length > 0);
    checklist.querySelector("label.note").hidden = !failedChecks().includes("OTHER");
  }
  function resetChecklist() {
    boxes.forEach((b) => { b.checked = false; });
    if (note) note.value = "";
    showChecklist();
  }
  boxes.forEach((b) => b.addEventListener("change", showChecklist));

  if (section) {
    MedScan.attach(section, {
      body: (raw, answers, scanId) => ({raw: raw, scan_id: scanId, failed: failedChecks(),
                                        note: note ? note.value : ""}),
      questions: {},
      fields: (data) => data.line_id === undefined ? MedScan.defaultFields(data)
        : [[t("item"), data.item || "?"], [t("lot"), data.lot || "—"]]
          .concat(data.serial ? [[t("serial"), data.serial]] : [])
          .concat([[t("quantity"), String(data.quantity)],
                   [t("rescanned"), `${data.confirmed} / ${data.picked}`],
                   [t("status"), t(data.status)]])
          .concat(data.discrepancy ? [[t("discrepancy"), t(data.discrepancy)]] : []),
      onResult: (ok, data) => {
        if (ok) resetChecklist();
        if (ok && data.failed) {  // recorded, and the order is held for quality: say so in red
          section.querySelector(".scan-result").className = "scan-result bad";
          section.querySelector(".verdict").textContent = t("held");
          section.dataset.state = "refused";
          MedScan.beep(false);
          return;
        }
        if (ok && data.discrepancy) {  // a mismatch is recorded (accepted) but blocks: say so in red
          section.querySelector(".scan-result").className = "scan-result bad";
          section.querySelector(".verdict").textContent = `${t("discrepancy")}: ${t(data.discrepancy)}`;
          section.dataset.state = "refused";
          MedScan.beep(false);
        }
      },
    });
    document.getElementById("finish").addEventListener("click", async () => {
      const res = await MedScan.post(`${base}/finish`, {}, MedScan.newId());
      if (!res.ok) { window.alert(MedScan.message(res.data)); return; }
      window.location.reload();
    });
  }

  // By delegation: the discrepancy list is swapped in fresh after each scan (data-live).
  document.addEventListener("submit", async (ev) => {
    const form = ev.target.closest("form.resolve");
    if (!form) return;
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(form).entries());
    const res = await MedScan.post(`${base}/discrepancies/${form.dataset.line}/resolve`, body,
                                   MedScan.newId());
    const msg = form.querySelector(".msg");
    msg.hidden = res.ok;
    msg.textContent = res.ok ? "" : MedScan.message(res.data);
    if (res.ok) window.location.reload();
  });
})();
