// The console's small helpers; pages work without them.
"use strict";
(function () {
  // On a phone the navigation folds behind the menu button, which says whether it is open.
  document.querySelectorAll(".menu-toggle").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      const open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
    });
  });
  // "Use my current location" fills latitude and longitude from the browser.
  document.querySelectorAll("[data-geolocate]").forEach(function (button) {
    button.addEventListener("click", function () {
      const status = document.getElementById(button.dataset.status);
      if (!navigator.geolocation) { status.textContent = status.dataset.fail; return; }
      status.textContent = status.dataset.wait;
      navigator.geolocation.getCurrentPosition(function (position) {
        document.getElementById(button.dataset.lat).value = position.coords.latitude.toFixed(6);
        document.getElementById(button.dataset.lng).value = position.coords.longitude.toFixed(6);
        status.textContent = status.dataset.done;
      }, function () { status.textContent = status.dataset.fail; }, { timeout: 10000 });
    });
  });
  // Forms that ask before doing something that cannot be undone.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();
