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
    var todo = figures.filter(function (f) { return !f.hidden && f.getAttribute("data-rendered") !== current; });
    if (!todo.length) return Promise.resolve();
    return Promise.all([loadVega(), loadSpecs()]).then(function (loaded) {
      var specs = loaded[1];
      return Promise.all(todo.map(function (figure) {
        var kind = figure.getAttribute("data-kind");
        var data = figure.querySelector('script[type="application/json"]');
        var target = figure.querySelector(".goi-chart-view");
        if (!specs[kind] || !data || !target) return null;
        var spec = JSON.parse(JSON.stringify(specs[kind]));
        var packed = JSON.parse(data.textContent);
        spec.data = { values: unpack(packed) };
        if (packed.d && spec.encoding && spec.encoding.x) {
          // every year on the axis, so a year with no report is a visible gap
          spec.encoding.x.scale = merge(spec.encoding.x.scale || {}, { domain: packed.d });
        }
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
          if (svg) svg.setAttribute("aria-hidden", "true");  // the view's role="img" and label speak for it
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
      // A button inside the header: the header keeps its role (and aria-sort), the
      // button takes the clicks and the keyboard.
      var button = document.createElement("button");
      button.type = "button";
      button.className = "goi-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.title = "点击排序";
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
      button.addEventListener("click", sort);
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


  // ---- chart bundle: PNG / SVG made by the bundled Vega, citation copy ----------------
  function viewOf(figure) {
    var entry = views.filter(function (e) { return e.node === figure; })[0];
    return entry ? entry.view : null;
  }

  function download(url, name) {
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function setupBundles() {
    document.querySelectorAll(".goi-bundle").forEach(function (bundle) {
      if (bundle.getAttribute("data-ready") === "1") return;
      bundle.setAttribute("data-ready", "1");
      var figure = bundle.previousElementSibling;
      bundle.querySelectorAll(".goi-save").forEach(function (button) {
        button.addEventListener("click", function () {
          var view = figure && viewOf(figure);
          if (!view) return;
          var format = button.getAttribute("data-format");
          var name = (figure.getAttribute("data-file") || "chart") + "." + format;
          view.toImageURL(format, format === "png" ? 2 : 1).then(function (url) { download(url, name); })
            .catch(function (e) { console.warn("goi-site: image export failed:", e.message); });
        });
      });
      var copy = bundle.querySelector(".goi-copy");
      var text = bundle.querySelector(".goi-cite-text");
      if (copy && text) {
        copy.addEventListener("click", function () {
          var done = function () { copy.textContent = "已复制"; setTimeout(function () { copy.textContent = "复制引用"; }, 2000); };
          if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(text.textContent).then(done, function () { selectText(text); });
          } else {
            selectText(text);
          }
        });
      }
    });
  }

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // ---- tips: a cell's provenance, a term's meaning, on hover, focus or tap --------------
  var glossaryPromise = null;
  var tip = null;

  function glossary() {
    if (!glossaryPromise) {
      glossaryPromise = fetch(new URL("glossary.json", assets).href)
        .then(function (r) { return r.ok ? r.json() : {}; })
        .catch(function () { return {}; });
    }
    return glossaryPromise;
  }

  function tipText(node) {
    if (node.hasAttribute("data-t")) {
      return glossary().then(function (terms) { return terms[node.getAttribute("data-t")] || ""; });
    }
    var text = node.getAttribute("data-tip") || node.getAttribute("title") || "";
    if (!text && node.hasAttribute("data-l")) {
      var table = node.closest("table");
      var template = (table && table.getAttribute("data-read")) || "{line}";
      text = node.getAttribute("data-l") ? template.replace("{line}", node.getAttribute("data-l")) : "";
    }
    return Promise.resolve(text);
  }

  function showTip(node) {
    tipText(node).then(function (text) {
      if (!text) return;
      if (node.hasAttribute("title")) {  // keep the text, but not the browser's own tooltip on top of ours
        node.setAttribute("data-tip", node.getAttribute("title"));
        node.removeAttribute("title");
      }
      if (!tip) {
        tip = document.createElement("div");
        tip.className = "goi-tip";
        tip.setAttribute("role", "tooltip");
        document.body.appendChild(tip);
      }
      tip.textContent = text;
      tip.hidden = false;
      var box = node.getBoundingClientRect();
      var left = Math.max(4, Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4));
      tip.style.left = left + "px";
      tip.style.top = (window.scrollY + box.bottom + 4) + "px";
    });
  }

  function hideTip() { if (tip) tip.hidden = true; }

  var TIP = ".goi-form td, .goi-form [data-t], [data-t], td.goi-empty";
  document.addEventListener("mouseover", function (e) {
    var node = e.target.closest && e.target.closest(TIP);
    if (node) showTip(node); else hideTip();
  });
  document.addEventListener("click", function (e) {
    var node = e.target.closest && e.target.closest(TIP);
    if (node) showTip(node); else hideTip();
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hideTip(); });

  // ---- filter boxes above sortable tables ------------------------------------------------
  function setupTableFilters() {
    document.querySelectorAll(".goi-table-filter").forEach(function (box) {
      if (box.getAttribute("data-ready") === "1") return;
      box.setAttribute("data-ready", "1");
      var input = box.querySelector("input");
      var count = box.querySelector(".goi-filter-count");
      var wrapper = box.nextElementSibling;
      var table = wrapper && (wrapper.tagName === "TABLE" ? wrapper : wrapper.querySelector("table"));
      if (!input || !table) return;
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      input.addEventListener("input", function () {
        var words = input.value.trim().split(/\s+/).filter(Boolean);
        var shown = 0;
        rows.forEach(function (row) {
          var text = (row.getAttribute("data-filter") || "") + " " + row.textContent;
          var match = words.every(function (w) { return text.indexOf(w) !== -1; });
          row.hidden = !match;
          if (match) shown += 1;
        });
        count.textContent = words.length ? "显示 " + shown + " / " + rows.length + " 行" : "";
      });
    });
  }

  // ---- the compare page loads its own script and data ------------------------------------
  function setupCompare() {
    if (!document.getElementById("goi-compare")) return;
    if (window.goiCompare) { window.goiCompare(); return; }
    var script = document.createElement("script");
    script.src = new URL("compare.js", assets).href;
    document.head.appendChild(script);
  }

  window.goiRenderCharts = renderCharts;
  window.goiSortable = makeSortable;

  function onPage() {
    document.querySelectorAll("table.goi-sortable").forEach(makeSortable);
    setupFilter();
    setupTableFilters();
    setupBundles();
    setupCompare();
    hideTip();
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
