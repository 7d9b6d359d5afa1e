// "Same as this device": follow prefers-color-scheme, set before the page is drawn so a
// dark screen never flashes white. An explicit choice is already on <html> from the server.
// Paper is always light, whatever the screen shows.
(function () {
  var root = document.documentElement;
  var choice = root.getAttribute("data-theme-choice");
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  function screenTheme() {
    if (choice === "light" || choice === "dark") return choice;
    return dark.matches ? "dark" : "light";
  }
  function apply() {
    root.setAttribute("data-bs-theme", screenTheme());
  }
  if (choice !== "light" && choice !== "dark") {
    apply();
    // Safari before 14 knows only the older addListener.
    if (dark.addEventListener) dark.addEventListener("change", apply);
    else dark.addListener(apply);
  }
  window.addEventListener("beforeprint", function () {
    root.setAttribute("data-bs-theme", "light");
  });
  window.addEventListener("afterprint", apply);
})();
