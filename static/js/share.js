// "Your link is ready": the Copy button. It starts hidden and is shown only where the
// browser can copy, so without scripts (or clipboard access) there is no dead button;
// the link stays selectable in its field either way.
(function () {
  "use strict";
  const button = document.getElementById("copy-share-url");
  const field = document.getElementById("share-url");
  const status = document.getElementById("copy-status");
  if (!button || !field) return;
  field.addEventListener("focus", () => field.select());
  if (!navigator.clipboard || !window.isSecureContext) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = "Copied. Paste it into a message or an email to your clinician.";
    } catch (error) {
      field.select();
      status.textContent = "Couldn’t copy: the link is selected, copy it with your device’s menu.";
    }
  });
})();
