/* goi-site: charts, sortable tables and the directory filter.
 *
 * Charts: each <figure class="goi-chart" data-kind="…"> carries its rows as JSON; the
 * spec of its kind comes from charts/specs.json (one file for the whole site, cached),
 * and Vega is loaded from this site (vendor/vega-bundle.js) only on pages that have a
 * chart. Material's instant navigation swaps page content without a reload, so the
 * work runs on every `document$` emission, renders each figure once, and finalizes the
 * views of pages that are gone. Charts follow the light/dark palette.
 */
(function () {
  "use strict";
  var assets = new URL(".", document.currentScript.src);
  var specsPromise = null;
  var vegaPromise = null;
  var views = [];

  function loadVega() {
    if (window.vegaEmbed) return Promise.resolve();
    if (!vegaPromise) {
      vegaPromise = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = new URL("vendor/vega-bundle.js", assets).href;
        script.onload = resolve;
        script.onerror = function () { reject(new Error("vega bundle failed to load")); };
        document.head.appendChild(script);
      });
    }
    return vegaPromise;
  }

  function loadSpecs() {
    if (!specsPromise) {
      specsPromise = fetch(new URL("charts/specs.json", assets).href).then(function (r) {
        if (!r.ok) throw new Error("specs.json: HTTP " + r.status);
        return r.json();
      });
    }
    return specsPromise;
  }

  // Rows come packed as indexes into lists of years, groups and offsets (see views.py).
  function unpack(packed) {
    return packed.r.map(function (r) {
      var row = { year: packed.y[r[0]], group: packed.g[r[1]], value: r[2], order: r[1] };
      if (packed.o) { row.offset = packed.o[r[3]]; row.offset_order = r[3]; }
      return row;
    });
  }

  function scheme() {
    return document.body.getAttribute("data-md-color-scheme") || "default";
  }

  function themeConfig() {
    var style = getComputedStyle(document.body);
    var fg = style.getPropertyValue("--md-default-fg-color").trim() || "#222";
    var light = style.getPropertyValue("--md-default-fg-color--light").trim() || "#666";
    var lightest = style.getPropertyValue("--md-default-fg-color--lightest").trim() || "#ddd";
    return {
      background: null,
      title: { color: fg, fontSize: 14 },
      axis: { labelColor: light, titleColor: light, domainColor: lightest, tickColor: lightest, gridColor: lightest },
      legend: { labelColor: fg, titleColor: light },
    };
  }

  function merge(target, extra) {
    Object.keys(extra).forEach(function (key) {
      var value = extra[key];
      if (value && typeof value === "object" && !Array.isArray(value)) {
        target[key] = merge(target[key] || {}, value);
      } else {
        target[key] = value;
      }
    });
    return target;
  }

  function finalizeDetached() {
    views = views.filter(function (entry) {
      if (document.body.contains(entry.node)) return true;
      entry.view.finalize();
      return false;
    });
  }

  function renderCharts() {
    finalizeDetached();
    var figures = Array.prototype.slice.call(document.querySelectorAll("figure.goi-chart"));
    var current = scheme();
    var todo = figures.filter(function (f) { return f.getAttribute("data-rendered") !== current; });
    if (!todo.length) return Promise.resolve();
    return Promise.all([loadVega(), loadSpecs()]).then(function (loaded) {
      var specs = loaded[1];
      return Promise.all(todo.map(function (figure) {
        var kind = figure.getAttribute("data-kind");
        var data = figure.querySelector('script[type="application/json"]');
        var target = figure.querySelector(".goi-chart-view");
        if (!specs[kind] || !data || !target) return null;
        var spec = JSON.parse(JSON.stringify(specs[kind]));
        spec.data = { values: unpack(JSON.parse(data.textContent)) };
        spec.config = merge(spec.config || {}, themeConfig());
        figure.setAttribute("data-rendered", current);
        views = views.filter(function (entry) {
          if (entry.node !== figure) return true;
          entry.view.finalize();
          return false;
        });
        target.innerHTML = "";
        return window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function (result) {
          views.push({ node: figure, view: result.view });
          var svg = target.querySelector("svg");
          if (svg) {
            var caption = figure.querySelector("figcaption");
            svg.setAttribute("aria-label", (figure.getAttribute("aria-label") || "") + (caption ? "：" + caption.textContent : ""));
          }
        });
      }));
    }).catch(function (error) {
      figures.forEach(function (f) { f.classList.add("goi-chart-failed"); });
      console.warn("goi-site: charts could not be drawn:", error.message);
    });
  }

  function cellValue(cell, numeric) {
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    if (!numeric) return raw.trim();
    var n = parseFloat(raw.replace(/[,%\s]/g, ""));
    return isNaN(n) ? null : n;
  }

  function makeSortable(table) {
    if (table.getAttribute("data-sortable") === "1") return;
    table.setAttribute("data-sortable", "1");
    var headers = table.querySelectorAll("thead th");
    Array.prototype.forEach.call(headers, function (th, index) {
      th.setAttribute("tabindex", "0");
      th.setAttribute("role", "button");
      th.title = "点击排序";
      function sort() {
        var numeric = th.getAttribute("data-type") === "number";
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[index], numeric);
          var y = cellValue(b.cells[index], numeric);
          if (x === null && y === null) return 0;
          if (x === null) return 1;   // missing values last, whatever the direction
          if (y === null) return -1;
          var order = numeric ? x - y : String(x).localeCompare(String(y), "zh");
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  function setupFilter() {
    var input = document.getElementById("goi-filter");
    if (!input || input.getAttribute("data-ready") === "1") return;
    input.setAttribute("data-ready", "1");
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
    var empty = document.querySelector(".goi-filter-empty");
    input.addEventListener("input", function () {
      var words = input.value.trim().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = item.getAttribute("data-filter") + " " + item.textContent;
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        item.hidden = !match;
        if (match) shown += 1;
      });
      document.querySelectorAll(".goi-group").forEach(function (group) {
        group.hidden = !group.querySelector("[data-filter]:not([hidden])");
      });
      if (empty) empty.hidden = shown !== 0;
    });
  }

  function onPage() {
    document.querySelectorAll("table.goi-sortable").forEach(makeSortable);
    setupFilter();
    renderCharts();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else {
    document.addEventListener("DOMContentLoaded", onPage);
  }
  new MutationObserver(function () { renderCharts(); })
    .observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
})();
