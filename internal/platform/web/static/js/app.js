// SafeDuty page behaviour. Everything works without it; it adds charts, auto-submitting
// filters and confirmation prompts. No inline scripts (the CSP forbids them).
(function () {
  "use strict";
  var echartsURL = document.currentScript && document.currentScript.dataset.echarts;
  var echartsLoading = null;
  document.documentElement.classList.add("js");

  // A phone-sized window tells the server (a cookie), so list pages send 20 two-line
  // items a page instead of the desktop table's 50 (web.PerPage).
  var narrow = window.matchMedia("(max-width: 640px)").matches;
  if (narrow !== /(^|; )narrow=1/.test(document.cookie)) {
    document.cookie = "narrow=" + (narrow ? "1; max-age=31536000" : "; max-age=0") + "; path=/; SameSite=Lax";
  }

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

  // A refused form's summary (the "form-errors" partial) takes the focus, so a screen
  // reader reads it and a phone scrolls to it.
  function initErrorSummary(root) {
    var box = (root || document).querySelector(".error-summary");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    box.focus();
  }

  function onReady(root) {
    initCharts(root);
    initErrorSummary(root);
    // Filter boxes fold away on a phone unless a filter is on (the page says so).
    if (window.matchMedia && window.matchMedia("(max-width: 640px)").matches) {
      (root || document).querySelectorAll("details[data-narrow-closed]").forEach(function (d) {
        if (!d.querySelector("summary .badge")) d.open = false;
      });
    }
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

  // A link of the error summary focuses its field, with the field's label in view.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest(".error-summary a[data-target]");
    if (!a) return;
    var el = document.getElementById(a.dataset.target);
    if (!el) return;
    e.preventDefault();
    var details = el.closest("details");
    if (details && !details.open) details.open = true;
    (el.closest(".field") || el).scrollIntoView({ block: "start" });
    el.focus({ preventScroll: true });
  });

  // Once the person changes a field, its error message goes, and the summary counts
  // what is left to correct.
  function fieldChanged(e) {
    var el = e.target;
    var field = el.closest && el.closest(".field");
    if (!field) return;
    var errs = field.querySelectorAll(".field-error");
    if (!errs.length) return;
    errs.forEach(function (p) { p.remove(); });
    field.classList.remove("has-error");
    var box = document.querySelector(".error-summary");
    var list = box && box.querySelector(".error-summary-list");
    if (!list) return;
    list.querySelectorAll("a[data-target]").forEach(function (a) {
      var target = document.getElementById(a.dataset.target);
      if (target && field.contains(target)) a.closest("li").remove();
    });
    var title = box.querySelector(".error-summary-title");
    var left = list.querySelectorAll("li").length;
    if (!title || !title.dataset.countText) return;
    if (left) {
      title.textContent = title.dataset.countText.replace("{n}", left);
    } else {
      title.textContent = title.dataset.noneText;
      list.remove();
      box.classList.add("is-fixed");
      box.setAttribute("role", "status");
    }
  }
  document.addEventListener("input", fieldChanged);
  document.addEventListener("change", fieldChanged);

  // Buttons with data-print print the page (the rectification order).
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });

  document.addEventListener("submit", function (e) {
    var msg = e.submitter && e.submitter.getAttribute("data-confirm") || e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  }, true);

  // File inputs with data-preview show what was picked: photos as thumbnails, other
  // files by name, in the next [data-previews] element of the same field.
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[type=file][data-preview]")) return;
    var field = input.closest(".field");
    var box = field && field.querySelector("[data-previews]");
    if (!box) return;
    box.querySelectorAll("img").forEach(function (img) { URL.revokeObjectURL(img.src); });
    box.textContent = "";
    Array.prototype.forEach.call(input.files || [], function (f) {
      if (/^image\//.test(f.type)) {
        var span = document.createElement("span");
        span.className = "thumb";
        var img = document.createElement("img");
        img.alt = f.name;
        img.src = URL.createObjectURL(f);
        span.appendChild(img);
        box.appendChild(span);
      } else {
        var chip = document.createElement("span");
        chip.className = "doc-chip";
        chip.textContent = f.name;
        box.appendChild(chip);
      }
    });
    box.hidden = !box.childNodes.length;
  });

  // Enter in a search box marked data-no-submit does not send the form around it (the
  // report form's enterprise search): the box searches as it is typed in.
  ["keydown", "keypress"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      if (e.key === "Enter" && e.target.matches && e.target.matches("input[data-no-submit]")) e.preventDefault();
    });
  });

  // Forms with data-busy say they are sending (uploads from a phone take a while) and
  // are not sent twice.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || !form.hasAttribute("data-busy")) return;
    if (form.dataset.sending) { e.preventDefault(); return; }
    form.dataset.sending = "1";
    var btn = form.querySelector("button[type=submit]");
    if (btn) {
      btn.setAttribute("aria-busy", "true");
      if (btn.dataset.busyText) { btn.dataset.idleText = btn.textContent; btn.lastChild.textContent = btn.dataset.busyText; }
    }
  });
  // A page restored from the back-forward cache is ready again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
      var btn = form.querySelector("button[aria-busy]");
      if (btn) {
        btn.removeAttribute("aria-busy");
        if (btn.dataset.idleText) btn.lastChild.textContent = btn.dataset.idleText.trim();
      }
    });
  });

  document.addEventListener("DOMContentLoaded", function () { onReady(document); });
  document.addEventListener("htmx:afterSwap", function (e) { onReady(e.target); });
})();
