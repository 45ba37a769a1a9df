/*
 * Bantin charts: renders every <div class="chart" data-spec-id="ID"> with the Vega-Lite
 * spec in <script type="application/json" id="ID">, using the vendored vega, vega-lite and
 * vega-embed (static/vendor/vega/, loaded before this file). No inline script needed.
 *
 * CSP-friendly: expressions are interpreted (ast + expressionInterpreter, no eval / new
 * Function), vega-embed injects no <style>, and the tooltip below styles itself through
 * CSSOM (element.style), which a strict style-src allows.
 *
 * Locale: vi-VN (1.234.567, "Th1/2026") unless <html lang="en...">. Keep these objects in
 * sync with VEGA_LOCALE_VI / VEGA_LOCALE_EN in reports/charts.py.
 */
(function () {
  "use strict";

  var LOCALES = {
    vi: {
      formatLocale: { decimal: ",", thousands: ".", grouping: [3], currency: ["", " ₫"] },
      timeFormatLocale: {
        dateTime: "%d/%m/%Y %H:%M",
        date: "%d/%m/%Y",
        time: "%H:%M:%S",
        periods: ["SA", "CH"],
        days: ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
        shortDays: ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
        months: ["Tháng 1", "Tháng 2", "Tháng 3", "Tháng 4", "Tháng 5", "Tháng 6",
          "Tháng 7", "Tháng 8", "Tháng 9", "Tháng 10", "Tháng 11", "Tháng 12"],
        shortMonths: ["Th1", "Th2", "Th3", "Th4", "Th5", "Th6",
          "Th7", "Th8", "Th9", "Th10", "Th11", "Th12"]
      },
      error: "Không hiển thị được biểu đồ."
    },
    en: {
      formatLocale: { decimal: ".", thousands: ",", grouping: [3], currency: ["", " ₫"] },
      timeFormatLocale: {
        dateTime: "%d/%m/%Y %H:%M",
        date: "%d/%m/%Y",
        time: "%H:%M:%S",
        periods: ["AM", "PM"],
        days: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        shortDays: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        months: ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"],
        shortMonths: ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
      },
      error: "The chart could not be displayed."
    }
  };

  function locale() {
    var lang = (document.documentElement.lang || "vi").toLowerCase();
    return lang.indexOf("en") === 0 ? LOCALES.en : LOCALES.vi;
  }

  /* A small tooltip handler styled with element.style only (no injected stylesheet). */
  var tip = null;
  function tooltip(handler, event, item, value) {
    if (!tip) {
      tip = document.createElement("div");
      tip.setAttribute("role", "tooltip");
      var s = tip.style;
      s.position = "fixed";
      s.zIndex = "1000";
      s.pointerEvents = "none";
      s.maxWidth = "280px";
      s.padding = "6px 8px";
      s.background = "rgba(255, 255, 255, 0.97)";
      s.border = "1px solid #999";
      s.borderRadius = "4px";
      s.boxShadow = "0 2px 6px rgba(0, 0, 0, 0.15)";
      s.font = "13px/1.35 system-ui, sans-serif";
      s.color = "#111";
      s.display = "none";
      document.body.appendChild(tip);
    }
    if (value === null || value === undefined || value === "") {
      tip.style.display = "none";
      return;
    }
    tip.textContent = "";
    if (typeof value === "object") {
      Object.keys(value).forEach(function (key) {
        var v = value[key];
        var line = document.createElement("div");
        var k = document.createElement("span");
        k.style.color = "#555";
        k.textContent = key + ": ";
        var b = document.createElement("b");
        b.textContent = v === null || v === undefined || v === "" ? "—" : String(v);
        line.appendChild(k);
        line.appendChild(b);
        tip.appendChild(line);
      });
    } else {
      tip.textContent = String(value);
    }
    tip.style.display = "block";
    var x = event.clientX + 12;
    var y = event.clientY + 12;
    var w = tip.offsetWidth;
    var h = tip.offsetHeight;
    if (x + w > window.innerWidth - 4) { x = Math.max(4, event.clientX - w - 12); }
    if (y + h > window.innerHeight - 4) { y = Math.max(4, event.clientY - h - 12); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  function render(root) {
    if (typeof window.vegaEmbed !== "function") { return; }
    var loc = locale();
    var nodes = (root || document).querySelectorAll("div.chart[data-spec-id]");
    Array.prototype.forEach.call(nodes, function (el) {
      if (el.getAttribute("data-rendered") === "1") { return; }
      var source = document.getElementById(el.getAttribute("data-spec-id"));
      if (!source) { return; }
      el.setAttribute("data-rendered", "1");
      var spec;
      try {
        spec = JSON.parse(source.textContent);
      } catch (err) {
        el.textContent = loc.error;
        if (window.console) { console.error(err); }
        return;
      }
      window.vegaEmbed(el, spec, {
        actions: false,
        renderer: "svg",
        formatLocale: loc.formatLocale,
        timeFormatLocale: loc.timeFormatLocale,
        defaultStyle: false,
        ast: true,
        expr: window.vega.expressionInterpreter,
        tooltip: tooltip
      }).catch(function (err) {
        el.textContent = loc.error;
        if (window.console) { console.error(err); }
      });
    });
  }

  window.bantinRenderCharts = render;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { render(document); });
  } else {
    render(document);
  }
  /* Charts swapped in by htmx. */
  document.addEventListener("htmx:load", function (event) { render(event.target); });
})();
