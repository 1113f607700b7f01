/* Picking: scan a location (→ what to pick there), then each unit (→ a PICK to staging).
 * Refusals (wrong lot, expired, held, beyond the line…) come back from the API with the reason. */
"use strict";
(function () {
  const t = MedScan.t;

  function go(waveNo) {
    window.location.href = "/stations/picking/" + encodeURIComponent(MedScan.docNumber(waveNo));
  }

  const chooser = document.getElementById("wave");
  if (chooser) {  // step 1: a scanned wave label opens the wave
    MedScan.attach(chooser, {
      request: async (entry) => {
        const number = MedScan.docNumber(entry.raw);
        const response = await fetch(`/api/v1/waves/${encodeURIComponent(number)}/picklist`,
          {credentials: "same-origin", headers: {"Accept": "application/json",
                                                  "Accept-Language": document.documentElement.lang}});
        let data = {};
        try { data = await response.json(); } catch (e) { data = {}; }
        return {status: response.status, ok: response.ok, data: data, replayed: false};
      },
      fields: (data) => data.wave_no ? [[t("document"), data.wave_no]] : [],
      onResult: (ok, data) => { if (ok && data.wave_no) go(data.wave_no); },
    });
    return;
  }

  const section = document.getElementById("pick");
  const panel = document.querySelector(".panel.picking");
  const waveNo = panel.dataset.wave;
  const base = `/api/v1/waves/${encodeURIComponent(waveNo)}`;
  const label = section.querySelector(".scan-label");
  let location = null;  // the raw location scan the units are picked from

  function isLocation(raw) {
    return !location || MedScan.bare(raw).startsWith("#L:");
  }

  function atLocation(raw, code) {
    location = raw;
    panel.querySelector(".here").hidden = false;
    panel.querySelector(".location").textContent = code;
    label.textContent = t("scan_unit");
    for (const li of document.querySelectorAll(".stops > li")) {
      li.classList.toggle("current", li.dataset.location === code);
    }
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function taskLine(task) {
    const li = el("li");
    const name = document.documentElement.lang === "en" ? task.item_name_en : task.item_name_zh;
    li.append(`${task.item} ${name} · ${t("lot")} `, el("strong", "", task.lot || "—"),
              `${task.serial ? " / " + task.serial : ""} · ${t("expiry")} ${task.expiry || "—"} · `,
              el("span", "count", `${task.picked} / ${task.quantity}`));
    return li;
  }

  function renderList(list) {
    panel.querySelector(".wave-left").textContent = list.remaining;
    const stops = document.querySelector(".stops");
    stops.replaceChildren(...list.stops.map((stop) => {
      const li = el("li", "stop" + (stop.remaining ? "" : " done"));
      li.dataset.location = stop.location;
      if (location && panel.querySelector(".location").textContent === stop.location) li.classList.add("current");
      const head = el("div", "row spread");
      head.append(el("strong", "", `${stop.seq}. ${stop.location}`), el("span", "left", `${t("left")} ${stop.remaining}`));
      const tasks = el("ul", "tasks");
      tasks.append(...stop.tasks.map(taskLine));
      li.append(head, tasks);
      return li;
    }));
    if (!list.remaining) label.textContent = t("done");
  }

  async function refresh() {
    const response = await fetch(`${base}/picklist`, {credentials: "same-origin",
      headers: {"Accept": "application/json"}});
    if (response.ok) renderList(await response.json());
  }

  function fields(data) {
    if (data.pick_id) {
      return [[t("item"), `${data.item} ${document.documentElement.lang === "en" ? data.item_name_en : data.item_name_zh}`],
              [t("lot"), data.lot || "—"], [t("expiry"), data.expiry || "—"],
              [t("quantity"), String(data.quantity)],
              [t("from_to"), `${data.from_location} → ${data.to_location}`],
              [t("left_here"), String(data.location_remaining)],
              [t("wave_left"), String(data.wave_remaining)]]
        .concat(data.swapped_from_lot ? [[t("swapped"), data.swapped_from_lot]] : [])
        .concat(data.serial ? [[t("serial"), data.serial]] : [])
        .concat(data.swapped_from_serial ? [[t("swapped_serial"), data.swapped_from_serial]] : []);
    }
    if (data.tasks) return [[t("location"), data.location], [t("left"), String(data.remaining)]];
    return MedScan.defaultFields(data);
  }

  MedScan.attach(section, {
    endpoint: (raw) => isLocation(raw) ? `${base}/location` : `${base}/picks`,
    body: (raw, answers, scanId) => isLocation(raw) ? {raw: raw}
      : {raw: raw, scan_id: scanId, location_raw: location},
    fields: fields,
    questions: {},
    onResult: (ok, data, entry) => {
      if (ok && data.tasks) atLocation(entry.raw, data.location);
      if (ok && data.pick_id) refresh();
    },
  });
})();
