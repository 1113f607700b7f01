/* medwms scan field: what a keyboard-wedge scanner types, posted once, shown big, with sound.
 *
 * MedScan.attach(section, options) wires one <section class="scan"> (templates/macros/scan.html).
 * Each scan gets an id made here (crypto.randomUUID) sent as Idempotency-Key: a retry after a
 * network drop re-sends the same id and body, so the server applies it once. The raw text goes
 * to the server untouched (GS = ASCII 29 and AIM prefixes like ]d2 included).
 *
 * options: endpoint (default data-endpoint), body(raw, answers) -> JSON object,
 *   fields(data) -> [[label, value, big?], ...], questions {CODE: {name, word, type}},
 *   onResult(ok, data, entry) called after each final answer.
 */
"use strict";
(function () {
  const LANG = document.documentElement.lang || "zh-CN";
  const GS = "\x1d";
  const FIELD_KEYS = ["item", "gtin", "lot", "expiry", "serial", "quantity", "location",
                      "document", "status", "suggested"];
  const QUESTIONS = {
    LOT_REQUIRED: {name: "lot", word: "lot_required", type: "text"},
    EXPIRY_REQUIRED: {name: "expiry", word: "expiry_required", type: "text"},
    SERIAL_REQUIRED: {name: "serial", word: "serial_required", type: "text"},
    PRODUCTION_DATE_REQUIRED: {name: "production_date", word: "production_required", type: "text"},
  };
  let words = null;
  let audio = null;

  function t(key) {
    if (words === null) {
      const el = document.getElementById("scan-words");
      words = el ? JSON.parse(el.textContent) : {};
    }
    return words[key] || key;
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // Plain http on a handheld is not a secure context: build a v4 UUID by hand.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function csrf() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      const now = audio.currentTime;
      const length = ok ? 0.12 : 0.7;
      osc.type = ok ? "sine" : "square";
      osc.frequency.value = ok ? 1800 : 220;
      gain.gain.setValueAtTime(0.25, now);
      gain.gain.exponentialRampToValueAtTime(0.001, now + length);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(now);
      osc.stop(now + length);
    } catch (e) { /* no audio device: the colours still speak */ }
  }

  async function post(endpoint, body, key) {
    const response = await fetch(endpoint, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "Accept-Language": LANG, "X-CSRF-Token": csrf(), "Idempotency-Key": key}});
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return {status: response.status, ok: response.ok, data: data || {},
            replayed: response.headers.get("Idempotent-Replayed") === "true"};
  }

  function retryable(res) {
    if (res.status === 0 || [502, 503, 504].includes(res.status)) return true;
    return res.status === 409 && res.data.code === "IDEMPOTENCY_IN_PROGRESS";
  }

  function message(data) {
    const own = LANG === "en" ? data.message_en : data.message_zh;
    return own || data.detail || data.message || data.code || "";
  }

  function visible(raw) {
    return raw.split(GS).join("␝");
  }

  function defaultFields(data) {
    const problem = typeof data.type === "string" && data.type.startsWith("urn:medwms:error");
    const src = problem ? (data.fields || {}) : Object.assign({}, data.scan || {}, data);
    const out = [];
    for (const key of FIELD_KEYS) {
      let value = src[key];
      if (key === "item" && src.item_name) value = value ? `${value} · ${src.item_name}` : src.item_name;
      if (key === "suggested" && src.suggested_location) value = src.suggested_location;
      if (value !== undefined && value !== null && value !== "") out.push([t(key), String(value)]);
    }
    return out;
  }

  class ScanField {
    constructor(section, options) {
      this.section = section;
      this.opt = Object.assign({endpoint: section.dataset.endpoint,
                                body: (raw, answers) => Object.assign({raw: raw}, answers),
                                fields: defaultFields, questions: QUESTIONS,
                                onResult: null}, options || {});
      this.input = section.querySelector(".scan-input");
      this.ask = section.querySelector(".scan-ask");
      this.result = section.querySelector(".scan-result");
      this.history = section.querySelector(".history");
      this.asking = null;
      this.bind();
      this.focus();
    }

    bind() {
      this.section.querySelector(".scan-form").addEventListener("submit", (ev) => {
        ev.preventDefault();
        const raw = this.input.value;
        if (raw.trim()) this.submit(raw, {});
      });
      this.input.addEventListener("blur", () => setTimeout(() => this.refocus(), 150));
      this.ask.addEventListener("submit", (ev) => { ev.preventDefault(); this.answer(); });
      this.ask.querySelector(".ask-cancel").addEventListener("click", () => this.closeAsk());
    }

    focus() { this.input.focus(); }

    refocus() {
      const active = document.activeElement;
      if (!active || active === document.body || active === this.section) this.focus();
    }

    submit(raw, answers) {
      const entry = {id: newId(), raw: raw, answers: answers, li: this.addHistory(raw)};
      entry.body = this.opt.body(raw, answers);
      this.input.value = "";
      this.closeAsk();
      this.run(entry, 0);
      return entry;
    }

    async run(entry, attempt) {
      let res;
      try {
        res = await post(this.opt.endpoint, entry.body, entry.id);
      } catch (e) {
        res = {status: 0, ok: false, data: {}};
      }
      if (retryable(res)) {
        this.mark(entry, "wait", t("retrying"));
        this.section.dataset.state = "retrying";
        setTimeout(() => this.run(entry, attempt + 1), Math.min(1000 * 2 ** attempt, 10000));
        return;
      }
      this.finish(entry, res);
    }

    finish(entry, res) {
      const text = res.ok ? (res.replayed ? t("replayed") : t("accepted")) : message(res.data);
      this.show(res.ok, res.ok ? t("accepted") : text, this.opt.fields(res.data));
      this.mark(entry, res.ok ? "ok" : "bad", res.ok ? this.summary(res.data) : text);
      beep(res.ok);
      this.section.dataset.sound = res.ok ? "ok" : "refused";
      const question = res.ok ? null : this.opt.questions[res.data.code];
      if (question) this.openAsk(entry, question);
      else this.focus();
      if (this.opt.onResult) this.opt.onResult(res.ok, res.data, entry);
    }

    show(ok, verdict, fields) {
      this.section.dataset.state = ok ? "ok" : "refused";
      this.result.hidden = false;
      this.result.className = "scan-result " + (ok ? "ok" : "bad");
      this.result.querySelector(".verdict").textContent = verdict;
      const list = this.result.querySelector(".fields");
      list.replaceChildren();
      for (const [label, value] of fields) {
        const dt = document.createElement("dt");
        const dd = document.createElement("dd");
        dt.textContent = label;
        dd.textContent = value;
        list.append(dt, dd);
      }
    }

    summary(data) {
      return this.opt.fields(data).map((pair) => pair[1]).slice(0, 3).join(" · ");
    }

    addHistory(raw) {
      const li = document.createElement("li");
      li.className = "wait";
      li.innerHTML = '<span class="mark"></span><span class="what"></span><span class="why"></span>';
      li.querySelector(".what").textContent = visible(raw);
      li.querySelector(".why").textContent = t("sending");
      this.history.prepend(li);
      while (this.history.children.length > 10) this.history.lastElementChild.remove();
      return li;
    }

    mark(entry, state, why) {
      entry.li.className = state;
      entry.li.querySelector(".why").textContent = why;
    }

    openAsk(entry, question) {
      this.asking = {entry: entry, question: question};
      this.ask.hidden = false;
      this.ask.querySelector(".ask-label").textContent = t(question.word);
      const input = this.ask.querySelector(".ask-input");
      input.value = "";
      input.type = question.type || "text";
      input.focus();
    }

    answer() {
      const input = this.ask.querySelector(".ask-input");
      if (!this.asking || !input.value.trim()) return;
      const {entry, question} = this.asking;
      const answers = Object.assign({}, entry.answers, {[question.name]: input.value.trim()});
      this.submit(entry.raw, answers);
    }

    closeAsk() {
      this.asking = null;
      this.ask.hidden = true;
      this.focus();
    }
  }

  window.MedScan = {
    attach: (section, options) => new ScanField(section, options),
    post: post, newId: newId, message: message, beep: beep, t: t, csrf: csrf,
  };
})();
