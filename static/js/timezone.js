// Sign-up: preselect the browser's own time zone, so "last night" is right from day one.
(function () {
  "use strict";
  const select = document.getElementById("id_time_zone");
  if (!select) return;
  let zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (zone && select.value === "UTC" && select.querySelector(`option[value="${zone}"]`)) {
    select.value = zone;
  }
})();
