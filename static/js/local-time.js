// Deadlines are shown in the edition's time zone; a person elsewhere also sees them in their
// own. Each <time data-zone="Europe/Brussels" datetime="..."> gets the local time appended
// when the browser's zone differs.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var label = document.documentElement.dataset.yourTime || "your time";
    var language = document.documentElement.lang || undefined;
    document.querySelectorAll("time[data-zone][datetime]").forEach(function (element) {
      if (!zone || element.dataset.zone === zone) {
        return;
      }
      var instant = new Date(element.getAttribute("datetime"));
      if (isNaN(instant)) {
        return;
      }
      var local = document.createElement("span");
      local.className = "local-time text-body-secondary";
      local.textContent = " (" + instant.toLocaleString(language, {dateStyle: "medium", timeStyle: "short"}) +
        ", " + label + ")";
      element.insertAdjacentElement("afterend", local);
    });
  });
})();
