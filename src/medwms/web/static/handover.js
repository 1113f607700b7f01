/* The receiving handover: the deliverer signs with a finger or stylus on the canvas; on
   submit the drawing is sent as a PNG file in the form's "deliverer_signature" field. With
   "signed on paper" the canvas is hidden and the scan of the signed note is chosen instead. */
"use strict";
(function () {
  const form = document.querySelector("form.handover-form");
  if (!form) return;
  const canvas = form.querySelector("#signature");
  const pad = form.querySelector(".signature-pad");
  const paperFile = form.querySelector(".signature-file");
  const input = form.querySelector('input[name="deliverer_signature"]');
  const msg = form.querySelector(".pad-msg");
  const ink = canvas.getContext("2d");
  let drawing = false;
  let drawn = false;

  function blank() {
    ink.fillStyle = "#fff";
    ink.fillRect(0, 0, canvas.width, canvas.height);
    ink.strokeStyle = "#000";
    ink.lineWidth = 2.5;
    ink.lineCap = "round";
    drawn = false;
  }

  function point(ev) {
    const box = canvas.getBoundingClientRect();
    return [(ev.clientX - box.left) * canvas.width / box.width,
            (ev.clientY - box.top) * canvas.height / box.height];
  }

  canvas.addEventListener("pointerdown", (ev) => {
    drawing = true;
    canvas.setPointerCapture(ev.pointerId);
    ink.beginPath();
    ink.moveTo(...point(ev));
  });
  canvas.addEventListener("pointermove", (ev) => {
    if (!drawing) return;
    ink.lineTo(...point(ev));
    ink.stroke();
    drawn = true;
  });
  for (const end of ["pointerup", "pointercancel", "pointerleave"]) {
    canvas.addEventListener(end, () => { drawing = false; });
  }
  form.querySelector(".clear-signature").addEventListener("click", blank);

  function mode() {
    const chosen = form.querySelector('input[name="signed_by"]:checked');
    return chosen ? chosen.value : "DRAWN";
  }
  function showMode() {
    const onScreen = mode() === "DRAWN";
    pad.hidden = !onScreen;
    paperFile.hidden = onScreen;
  }
  form.querySelectorAll('input[name="signed_by"]').forEach((r) => r.addEventListener("change", showMode));

  form.addEventListener("submit", (ev) => {
    if (mode() !== "DRAWN" || form.dataset.ready === "yes") return;
    ev.preventDefault();
    if (!drawn) {
      msg.textContent = pad.dataset.empty;
      msg.hidden = false;
      return;
    }
    canvas.toBlob((blob) => {
      const files = new DataTransfer();
      files.items.add(new File([blob], `${form.dataset.receipt}-SIG.png`, {type: "image/png"}));
      input.files = files.files;
      form.dataset.ready = "yes";
      form.requestSubmit();
    }, "image/png");
  });

  blank();
  showMode();
})();
