// Clinician summary: "Print / Save as PDF" opens the browser's own print dialog.
// The button starts hidden and is shown only here, so without scripts there is no dead button.
(function () {
  "use strict";
  const button = document.getElementById("print-summary");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", () => window.print());
})();
