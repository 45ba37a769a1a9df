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
      navigator.clipboard.writeText(value).then(
        function () { announce(button, true); },
        function () { announce(button, fallback(el)); }
      );
    } else {
      announce(button, fallback(el));
    }
  });
})();
