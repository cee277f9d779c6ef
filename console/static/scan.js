// Scanning a pickup code with the device camera: the browser's BarcodeDetector where it has
// one (QR and Code 128), else the vendored jsQR decoder (QR) reading frames off a canvas.
// Typing the code always works; a scanned code fills the field and submits the form.
"use strict";
(function () {
  const button = document.getElementById("scan");
  if (!button || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  const native = "BarcodeDetector" in window;
  if (!native && typeof window.jsQR !== "function") return;
  button.hidden = false;
  const input = document.getElementById(button.dataset.target);
  const video = document.getElementById(button.dataset.video);
  const status = document.getElementById(button.dataset.status);
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });

  async function detectNative(detector) {
    const codes = await detector.detect(video);
    return codes.length ? codes[0].rawValue : "";
  }

  function detectWithJsQR() {
    const width = video.videoWidth, height = video.videoHeight;
    if (!width || !height) return "";
    canvas.width = width; canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    const frame = context.getImageData(0, 0, width, height);
    const found = window.jsQR(frame.data, width, height, { inversionAttempts: "dontInvert" });
    return found ? found.data : "";
  }

  button.addEventListener("click", async function () {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (e) { status.textContent = button.dataset.fail; return; }
    let detector = null;
    if (native) {
      try { detector = new window.BarcodeDetector({ formats: ["qr_code", "code_128"] }); }
      catch (e) { detector = null; }
    }
    video.srcObject = stream; video.hidden = false;
    try { await video.play(); } catch (e) { /* frames still arrive */ }
    status.textContent = button.dataset.wait;
    const stop = function () {
      stream.getTracks().forEach(function (t) { t.stop(); });
      video.hidden = true;
    };
    const look = async function () {
      let text = "";
      try {
        text = detector ? await detectNative(detector)
          : (typeof window.jsQR === "function" ? detectWithJsQR() : "");
      } catch (e) { text = ""; }
      const digits = text.replace(/\D/g, "");
      if (digits.length >= 6) {
        stop();
        input.value = digits;
        status.textContent = button.dataset.found;
        input.form.requestSubmit();
        return;
      }
      window.setTimeout(look, 150);
    };
    look();
  });
})();
