/*
 * The report's period picker: show only the fields the chosen kind reads (year and month,
 * quarter or half; or the two dates). Without this script every field is shown and the
 * server reads the kind's fields only, so the form works without JavaScript.
 */
(function () {
  "use strict";
  function update(form) {
    var kind = form.querySelector("[name=kind]");
    if (!kind) return;
    var fields = form.querySelectorAll("[data-kinds]");
    for (var i = 0; i < fields.length; i++) {
      var kinds = fields[i].getAttribute("data-kinds");
      if (!kinds) continue;
      var shown = (" " + kinds + " ").indexOf(" " + kind.value + " ") >= 0;
      fields[i].hidden = !shown;
      var inputs = fields[i].querySelectorAll("input, select");
      for (var j = 0; j < inputs.length; j++) inputs[j].disabled = !shown;
    }
    var hint = form.querySelector("[data-no-js-hint]");
    if (hint) hint.hidden = true;
  }
  function init() {
    var forms = document.querySelectorAll("[data-period-picker]");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        var kind = form.querySelector("[name=kind]");
        if (kind) kind.addEventListener("change", function () { update(form); });
        update(form);
      })(forms[i]);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
