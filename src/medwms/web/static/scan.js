/* medwms scan field: what a keyboard-wedge scanner types, posted once, shown big, with sound.
 *
 * MedScan.attach(section, options) wires one <section class="scan"> (templates/macros/scan.html).
 * Each scan gets an id made here (crypto.randomUUID) sent as Idempotency-Key: a retry after a
 * network drop re-sends the same id and body, so the server applies it once. The raw text goes
 * to the server untouched (GS = ASCII 29 and AIM prefixes like ]d2 included).
 *
 * options: endpoint (default data-endpoint), body(raw, answers, scanId) -> JSON object,
 *   request(entry) -> Promise<{status, ok, data, replayed}> to replace the POST,
 *   fields(data) -> [[label, value], ...], questions {CODE: {name, word, type, when(data)}}
 *   (type "confirm" asks for a yes), onResult(ok, data, entry) after each final answer.
 *   endpoint may be a function (raw, answers) -> URL, read when the scan is made.
 *
 * Lists under the scan box carry data-live="name": after each accepted scan they are read
 * again from the page's own URL and swapped in place, so what the scan changed shows at once
 * (no reload; the scan field keeps its focus and history). Bind events on them by delegation.
 */
"use strict";
(function () {
  const LANG = document.documentElement.lang || "zh-CN";
  const GS = "\x1d";
  const FIELD_KEYS = ["item", "gtin", "lot", "expiry", "serial", "quantity", "location",
                      "document", "status", "suggested", "hold_reason", "progress"];
  const QUESTIONS = {
    LOT_REQUIRED: {name: "lot", word: "lot_required", type: "text"},
    EXPIRY_REQUIRED: {name: "expiry", word: "expiry_required", type: "text"},
    SERIAL_REQUIRED: {name: "serial", word: "serial_required", type: "text"},
    PRODUCTION_DATE_REQUIRED: {name: "production_date", word: "production_required", type: "text"},
  };
  let words = null;
  let audio = null;

  function t(key) {
    if (words === null) {  // every <script type="application/json" class="words"> of the page
      words = {};
      for (const el of document.querySelectorAll("script.words")) {
        Object.assign(words, JSON.parse(el.textContent));
      }
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

  /** The warnings of an accepted scan, as text in the page's language (amber on the station). */
  function warningsOf(data) {
    const found = Array.isArray(data.warnings) ? data.warnings : [];
    return found.map((w) => typeof w === "string" ? w : message(w)).filter(Boolean);
  }

  function visible(raw) {
    return raw.split(GS).join("␝");
  }

  function itemName(src) {
    return (LANG === "en" ? src.item_name_en : src.item_name_zh) || src.item_name || "";
  }

  function fieldValue(key, src) {
    const name = itemName(src);
    if (key === "item") return name ? [src.item, name].filter(Boolean).join(" · ") : src.item;
    if (key === "suggested") return src.suggested_location;
    if (key === "hold_reason" && LANG !== "en" && src.hold_reason_zh) return src.hold_reason_zh;
    if (key === "status" && typeof src.status === "string") return t(src.status);
    if (key === "progress" && src.received_of_lot !== undefined) {
      return src.expected === null || src.expected === undefined
        ? String(src.received_of_lot) : `${src.received_of_lot} / ${src.expected}`;
    }
    return src[key];
  }

  function defaultFields(data) {
    const problem = typeof data.type === "string" && data.type.startsWith("urn:medwms:error");
    const src = problem ? (data.fields || {}) : Object.assign({}, data.scan || {}, data);
    const out = [];
    for (const key of FIELD_KEYS) {
      const value = fieldValue(key, src);
      if (value !== undefined && value !== null && value !== "") out.push([t(key), String(value)]);
    }
    return out;
  }

  class ScanField {
    constructor(section, options) {
      this.section = section;
      this.opt = Object.assign({endpoint: section.dataset.endpoint,
                                body: (raw, answers) => Object.assign({raw: raw}, answers),
                                request: null, fields: defaultFields, questions: QUESTIONS,
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
      entry.body = this.opt.body(raw, answers, entry.id);
      entry.endpoint = typeof this.opt.endpoint === "function"
        ? this.opt.endpoint(raw, answers) : this.opt.endpoint;
      this.input.value = "";
      this.closeAsk();
      this.run(entry, 0);
      return entry;
    }

    async run(entry, attempt) {
      let res;
      try {
        res = this.opt.request ? await this.opt.request(entry)
          : await post(entry.endpoint, entry.body, entry.id);
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
      const warnings = res.ok ? warningsOf(res.data) : [];
      const text = !res.ok ? message(res.data)
        : (res.replayed ? t("replayed") : (warnings.length ? t("warned") : t("accepted")));
      this.show(res.ok, text, this.opt.fields(res.data), warnings);
      this.section.dataset.replayed = res.replayed ? "true" : "false";
      this.mark(entry, !res.ok ? "bad" : (warnings.length ? "warn" : "ok"),
                !res.ok ? text : (warnings[0] || this.summary(res.data)));
      beep(res.ok);
      this.section.dataset.sound = !res.ok ? "refused" : (warnings.length ? "warning" : "ok");
      let question = res.ok ? null : this.opt.questions[res.data.code];
      if (question && question.when && !question.when(res.data)) question = null;
      if (question) this.openAsk(entry, question);
      else this.focus();
      if (this.opt.onResult) this.opt.onResult(res.ok, res.data, entry);
      if (res.ok) refreshLive();
    }

    show(ok, verdict, fields, warnings) {
      const warned = ok && warnings && warnings.length > 0;
      this.section.dataset.state = ok ? (warned ? "warning" : "ok") : "refused";
      this.result.hidden = false;
      this.result.className = "scan-result " + (ok ? (warned ? "ok warn" : "ok") : "bad");
      this.result.querySelector(".verdict").textContent = verdict;
      this.showWarnings(warned ? warnings : []);
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

    showWarnings(warnings) {
      let box = this.result.querySelector(".scan-warnings");
      if (!box) {
        box = document.createElement("ul");
        box.className = "scan-warnings";
        this.result.querySelector(".verdict").after(box);
      }
      box.replaceChildren(...warnings.map((text) => {
        const li = document.createElement("li");
        li.textContent = text;
        return li;
      }));
      box.hidden = warnings.length === 0;
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
      const confirm = question.type === "confirm";
      input.value = "";
      input.hidden = confirm;
      input.type = confirm ? "text" : (question.type || "text");
      (confirm ? this.ask.querySelector("button[type=submit]") : input).focus();
    }

    answer() {
      const input = this.ask.querySelector(".ask-input");
      if (!this.asking) return;
      const {entry, question} = this.asking;
      const value = question.type === "confirm" ? true : input.value.trim();
      if (value === "") return;
      this.submit(entry.raw, Object.assign({}, entry.answers, {[question.name]: value}));
    }

    closeAsk() {
      this.asking = null;
      this.ask.hidden = true;
      this.focus();
    }
  }

  let liveSeq = 0;

  /** Read the page again and swap in its fresh [data-live] parts; a later call supersedes. */
  async function refreshLive() {
    if (!document.querySelector("[data-live]")) return;
    const mine = ++liveSeq;
    let html = null;
    try {
      const response = await fetch(window.location.href, {credentials: "same-origin",
                                                          headers: {"Accept": "text/html"}});
      if (response.ok) html = await response.text();
    } catch (e) { html = null; }
    if (html === null || mine !== liveSeq) return;
    const fresh = new DOMParser().parseFromString(html, "text/html");
    for (const part of document.querySelectorAll("[data-live]")) {
      const next = fresh.querySelector(`[data-live="${CSS.escape(part.dataset.live)}"]`);
      if (next) part.replaceWith(document.importNode(next, true));
    }
    document.body.dataset.liveRefreshed = String(mine);
  }

  /** What a scanner typed, without its AIM symbology identifier (]C0, ]Q1, ]d2 …). */
  function bare(raw) {
    return raw.trim().replace(/^\][A-Za-z][0-9A-Za-z]/, "").trim();
  }

  /** The document number a "#D:" label (or a typed number) names. */
  function docNumber(raw) {
    return bare(raw).replace(/^#D:/i, "").trim();
  }

  /** A refused station start, shown in red on the page (never a blocking alert). */
  function refuseStart(text) {
    const msg = document.querySelector(".start-msg");
    msg.hidden = false;
    msg.textContent = text;
    beep(false);
  }

  window.MedScan = {
    attach: (section, options) => new ScanField(section, options),
    QUESTIONS: QUESTIONS, defaultFields: defaultFields,
    post: post, newId: newId, message: message, beep: beep, t: t, csrf: csrf,
    bare: bare, docNumber: docNumber, refuseStart: refuseStart, refreshLive: refreshLive,
  };
})();
