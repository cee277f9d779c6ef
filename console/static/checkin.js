// The rotating check-in screen. Polls with the screen's own credential (a cookie of this
// address only, for the whole activity), never leaves an expired code on screen, says when
// it is offline or over, and stops once the credential has closed.
"use strict";
(function () {
  const screen = document.getElementById("screen");
  if (!screen) return;
  const url = screen.dataset.codeUrl;
  const qr = document.getElementById("qr");
  const gone = document.getElementById("qr-gone");
  const state = document.getElementById("qr-state");
  const updated = document.getElementById("qr-updated");
  const arrivals = document.getElementById("arrivals");
  const count = document.getElementById("arrived-count");
  let validUntil = 0; // by this page's clock: received + valid_for
  let timer = null;
  let failures = 0;

  function showCode(src) {
    qr.src = src;
    qr.hidden = false;
    gone.hidden = true;
  }

  function hideCode(message, cls) {
    qr.hidden = true;
    qr.removeAttribute("src");
    gone.hidden = false;
    state.textContent = message;
    state.className = "qr-state " + (cls || "");
  }

  function showArrivals(list, total) {
    count.textContent = String(total);
    const items = list.map(function (a) {
      const li = document.createElement("li");
      li.textContent = a.at + " " + a.name + (a.out ? " · " + arrivals.dataset.checkedOut : "");
      return li;
    });
    arrivals.replaceChildren.apply(arrivals, items);
  }

  function schedule(seconds) {
    clearTimeout(timer);
    timer = setTimeout(poll, seconds * 1000);
  }

  // Every second: a code past its validity leaves the screen at once.
  setInterval(function () {
    if (!qr.hidden && Date.now() > validUntil) {
      hideCode(failures ? screen.dataset.offline : screen.dataset.expired, "offline");
    }
  }, 1000);

  async function poll() {
    let response;
    try {
      response = await fetch(url, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { "Accept": "application/json" },
      });
    } catch (e) {
      return offline();
    }
    if (response.status === 401 || response.status === 403) {
      clearTimeout(timer);
      return hideCode(screen.dataset.closed, "over");
    }
    if (!response.ok) return offline();
    let body;
    try { body = await response.json(); } catch (e) { return offline(); }
    failures = 0;
    showArrivals(body.arrived, body.arrived_count);
    if (body.state !== "live") {
      hideCode(body.message, "over");
      updated.textContent = "";
      return schedule(60);
    }
    validUntil = Date.now() + body.valid_for * 1000;
    showCode(body.qr);
    state.textContent = body.message;
    state.className = "qr-state";
    updated.textContent = updated.dataset.label + " " + body.issued_at;
    schedule(body.refresh_in);
  }

  function offline() {
    failures += 1;
    if (Date.now() > validUntil) hideCode(screen.dataset.offline, "offline");
    else { state.textContent = screen.dataset.retrying; state.className = "qr-state offline"; }
    schedule(Math.min(2 * failures, 10));
  }

  poll();
})();
