/* Line editors of the entry forms: "Add line" appends an empty copy of the last line,
   "Remove line" takes one away (the last one left is only emptied). Without this script the
   form still works with the lines the server rendered. */
"use strict";
(function () {
  function renumber(box) {
    box.querySelectorAll("fieldset.line").forEach((line, i) => {
      line.dataset.line = String(i);
      line.dataset.row = String(i + 1);
      const number = line.querySelector(".line-no");
      if (number) number.textContent = String(i + 1);
    });
  }

  function empty(line) {
    line.classList.remove("invalid");
    line.querySelectorAll(".field-error").forEach((e) => e.remove());
    line.querySelectorAll("input, select, textarea").forEach((field) => {
      field.removeAttribute("aria-invalid");
      if (field.tagName === "SELECT") field.selectedIndex = 0; else field.value = "";
    });
    return line;
  }

  for (const box of document.querySelectorAll("[data-lines]")) {
    const form = box.closest("form");
    const add = form.querySelector("button.add-line");
    form.querySelectorAll("button.add-line, button.remove-line").forEach((b) => { b.hidden = false; });
    add.addEventListener("click", () => {
      const lines = box.querySelectorAll("fieldset.line");
      const copy = empty(lines[lines.length - 1].cloneNode(true));
      box.appendChild(copy);
      renumber(box);
      copy.querySelector("input, select").focus();
    });
    box.addEventListener("click", (ev) => {
      const button = ev.target.closest("button.remove-line");
      if (!button) return;
      const line = button.closest("fieldset.line");
      if (box.querySelectorAll("fieldset.line").length > 1) line.remove(); else empty(line);
      renumber(box);
    });
  }
})();
