// "Copy the text" buttons of the republishing page: <button data-copy="textarea-id">.
// No inline script (CSP); falls back to selecting the text when the clipboard API is absent.
(function () {
  "use strict";
  function announce(button, ok) {
    var status = document.querySelector(".copy-status");
    if (!status) return;
    status.textContent = ok ? status.dataset.copied : status.dataset.failed;
  }
  function fallback(el) {
    el.focus();
    el.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var el = document.getElementById(button.dataset.copy);
    if (!el) return;
    var value = el.value !== undefined ? el.value : el.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      // A browser may leave the promise pending (a permission prompt, an unfocused page):
      // after 3 s fall back to selecting and copying the text.
      var settled = false;
      var timer = window.setTimeout(function () {
        if (!settled) { settled = true; announce(button, fallback(el)); }
      }, 3000);
      navigator.clipboard.writeText(value).then(
        function () {
          if (!settled) { settled = true; window.clearTimeout(timer); announce(button, true); }
        },
        function () {
          if (!settled) { settled = true; window.clearTimeout(timer); announce(button, fallback(el)); }
        }
      );
    } else {
      announce(button, fallback(el));
    }
  });
})();
