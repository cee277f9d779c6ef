// Scanning a pickup code with the camera, where the browser can read QR codes
// (BarcodeDetector). Typing the code always works.
"use strict";
(function () {
  const button = document.getElementById("scan");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  button.hidden = false;
  const input = document.getElementById(button.dataset.target);
  const video = document.getElementById(button.dataset.video);
  const status = document.getElementById(button.dataset.status);
  button.addEventListener("click", async function () {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (e) { status.textContent = button.dataset.fail; return; }
    const detector = new window.BarcodeDetector({ formats: ["qr_code", "code_128"] });
    video.srcObject = stream; video.hidden = false; await video.play();
    status.textContent = button.dataset.wait;
    const stop = function () { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; };
    const look = async function () {
      try {
        const codes = await detector.detect(video);
        const digits = codes.length ? codes[0].rawValue.replace(/\D/g, "") : "";
        if (digits.length >= 6) { stop(); input.value = digits; input.form.requestSubmit(); return; }
      } catch (e) { /* keep looking */ }
      requestAnimationFrame(look);
    };
    look();
  });
})();
