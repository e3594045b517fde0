// SafeDuty page behaviour. Everything works without it; it adds charts, auto-submitting
// filters and confirmation prompts. No inline scripts (the CSP forbids them).
(function () {
  "use strict";
  var echartsURL = document.currentScript && document.currentScript.dataset.echarts;
  var echartsLoading = null;
  document.documentElement.classList.add("js");

  function loadECharts() {
    if (window.echarts) return Promise.resolve(window.echarts);
    if (!echartsLoading) {
      echartsLoading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = echartsURL;
        s.onload = function () { resolve(window.echarts); };
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return echartsLoading;
  }

  // Elements with data-chart hold an ECharts option as JSON.
  function initCharts(root) {
    var els = (root || document).querySelectorAll("[data-chart]");
    if (!els.length) return;
    loadECharts().then(function (echarts) {
      els.forEach(function (el) {
        if (el.dataset.chartReady) return;
        el.dataset.chartReady = "1";
        var chart = echarts.init(el, null, { renderer: "svg" });
        var option = JSON.parse(el.dataset.chart);
        if (option.series) option.series.forEach(function (s) {
          if (s.clickBase) { chart.on("click", function (p) { if (p.data && p.data.id) window.location = s.clickBase + p.data.id; }); }
        });
        chart.setOption(option);
        window.addEventListener("resize", function () { chart.resize(); });
      });
    });
  }

  function onReady(root) {
    initCharts(root);
    (root || document).querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      if (form.dataset.autoReady) return;
      form.dataset.autoReady = "1";
      form.addEventListener("change", function (e) {
        if (e.target.matches("select, input[type=date], input[type=checkbox]")) form.requestSubmit();
      });
    });
  }

  // Tree rows: the first click loads the children (htmx, hx-trigger "click once"); every
  // click shows or hides them.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest(".tree-toggle");
    if (!btn) return;
    var sub = document.getElementById(btn.getAttribute("aria-controls"));
    var open = btn.getAttribute("aria-expanded") !== "true";
    btn.setAttribute("aria-expanded", open ? "true" : "false");
    if (sub) sub.hidden = !open;
  });

  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  }, true);

  document.addEventListener("DOMContentLoaded", function () { onReady(document); });
  document.addEventListener("htmx:afterSwap", function (e) { onReady(e.target); });
})();
