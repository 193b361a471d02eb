/* goi-site: the compare page. Loads assets/compare/index.json (agencies, regions, years
 * reported) and the file of the one measure the reader picks (assets/compare/<measure>.json),
 * both written once by the build (goi_site/publish/comparedata.py); lets the reader pick
 * 2–10 agencies and a measure, draws
 * one chart (through goi.js's chart code and the bundled Vega) and one sortable table,
 * and keeps the choice in the query string (?a=id,id&m=measure) so the URL can be shared.
 * Page text comes from the page (<template id="goi-compare-text">), not from here.
 */
(function () {
  "use strict";
  var assets = new URL(".", document.currentScript.src);
  var files = {};  // file name → promise of its JSON: each file is fetched once

  function load(name) {
    if (!files[name]) {
      files[name] = fetch(new URL("compare/" + name, assets).href).then(function (r) {
        if (!r.ok) throw new Error("compare/" + name + ": HTTP " + r.status);
        return r.json();
      });
    }
    return files[name];
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key] !== undefined ? values[key] : ""; });
  }

  function number(v) { return v === null || v === undefined ? null : v; }

  function csvCell(v) {
    if (v === null || v === undefined) return "";
    var text = String(v);
    if (/^[=+\-@\t\r]/.test(text) && typeof v !== "number") text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function setup() {
    var root = document.getElementById("goi-compare");
    if (!root || root.getAttribute("data-ready") === "1") return;
    root.setAttribute("data-ready", "1");
    var text = document.getElementById("goi-compare-text").dataset;
    var select = document.getElementById("goi-compare-measure");
    var input = document.getElementById("goi-compare-input");
    var suggest = document.getElementById("goi-compare-suggest");
    var chosenList = document.getElementById("goi-compare-chosen");
    var status = root.querySelector(".goi-compare-status");
    var figure = root.querySelector("figure.goi-chart");
    var bundle = root.querySelector(".goi-bundle");
    var table = document.getElementById("goi-compare-table");

    load("index.json").then(function (data) {
      var byId = {};
      data.agencies.forEach(function (a, i) { byId[a[0]] = i; });
      var measureLabel = {};
      Array.prototype.forEach.call(select.options, function (o) { measureLabel[o.value] = o.textContent; });
      var params = new URLSearchParams(location.search);
      var chosen = (params.get("a") || "").split(",").filter(function (id) { return id in byId; }).slice(0, 10);
      if (params.get("m") in measureLabel) select.value = params.get("m");
      var values = null;  // the chosen measure: per agency, its value per year index
      var drawn = 0;  // the latest render asked for: an older measure file arriving late is ignored

      function value(agency, yearIndex) {
        return number(values[agency][yearIndex]);
      }

      function region(a) { return data.regions[a[2]]; }

      function save() {
        // ids and measures are ASCII slugs: the query stays readable (?a=id,id&m=…)
        var query = (chosen.length ? "a=" + chosen.map(encodeURIComponent).join(",") + "&" : "") + "m=" + encodeURIComponent(select.value);
        history.replaceState(history.state, "", location.pathname + "?" + query);
      }

      function render() {
        var ticket = ++drawn;
        var m = select.value;
        save();
        drawChosen();
        if (chosen.length < 2) { show(m); return; }
        status.textContent = text.loading;
        load(m + ".json").then(function (file) {
          if (ticket !== drawn) return;
          values = file;
          show(m);
        }).catch(function (error) { status.textContent = error.message; });
      }

      function drawChosen() {
        chosenList.innerHTML = "";
        chosen.forEach(function (id) {
          var li = document.createElement("li");
          li.textContent = data.agencies[byId[id]][1] + " ";
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "md-button goi-remove";
          remove.textContent = "×";
          remove.setAttribute("aria-label", text.remove + " " + data.agencies[byId[id]][1]);
          remove.addEventListener("click", function () { chosen = chosen.filter(function (x) { return x !== id; }); render(); });
          li.appendChild(remove);
          chosenList.appendChild(li);
        });
      }

      function show(m) {
        var measure = measureLabel[m];
        if (chosen.length < 2) {
          status.textContent = text.need;
          figure.hidden = bundle.hidden = table.hidden = true;
          return;
        }
        status.textContent = format(text.count, { n: chosen.length, measure: measure });
        // the years any chosen agency reported, first to last (a year between is a gap)
        var used = [];
        chosen.forEach(function (id) {
          var reported = data.agencies[byId[id]][3];
          data.years.forEach(function (_, i) { if (reported & (1 << i)) used.push(i); });
        });
        if (!used.length) used.push(0);
        var lo = Math.min.apply(null, used), hi = Math.max.apply(null, used);
        var years = [];
        for (var y = data.years[lo]; y <= data.years[hi]; y++) years.push(String(y));
        var names = chosen.map(function (id) { return data.agencies[byId[id]][1]; });
        var packed = { y: years, g: names, r: [], d: years };
        var grid = chosen.map(function (id, g) {
          return years.map(function (year, yi) {
            var index = data.years.indexOf(Number(year));
            var v = index < 0 ? null : value(byId[id], index);
            if (v !== null) packed.r.push([yi, g, v]);
            return v;
          });
        });
        figure.querySelector('script[type="application/json"]').textContent = JSON.stringify(packed);
        figure.removeAttribute("data-rendered");
        figure.hidden = bundle.hidden = table.hidden = false;
        if (window.goiRenderCharts) window.goiRenderCharts();
        // the table: one row per agency, one column per year
        var head = "<tr><th scope=\"col\">" + text.agency + "</th>" + years.map(function (y) {
          return "<th scope=\"col\" data-type=\"number\">" + y + "</th>";
        }).join("") + "</tr>";
        table.tHead.innerHTML = head;
        var body = table.tBodies[0];
        body.innerHTML = "";
        chosen.forEach(function (id, g) {
          var tr = document.createElement("tr");
          var th = document.createElement("td");
          var a = document.createElement("a");
          a.href = new URL("../agencies/" + id + "/", location.href).href;
          a.textContent = names[g];
          th.appendChild(a);
          tr.appendChild(th);
          grid[g].forEach(function (v) {
            var td = document.createElement("td");
            td.className = "goi-num" + (v === null ? " goi-empty" : "");
            td.setAttribute("data-value", v === null ? "" : v);
            td.textContent = v === null ? text.empty : v.toLocaleString("zh-CN");
            if (v === null) td.title = text.emptyTitle;
            tr.appendChild(td);
          });
          body.appendChild(tr);
        });
        table.removeAttribute("data-sortable");
        if (window.goiSortable) window.goiSortable(table);
        // the chart's own CSV and its citation
        var lines = [["agency_id", text.agency + " (agency)", text.year + " (year)", measure + " (" + m + ")"]];
        chosen.forEach(function (id, g) {
          years.forEach(function (year, yi) { if (grid[g][yi] !== null) lines.push([id, names[g], Number(year), grid[g][yi]]); });
        });
        var csv = "\ufeff" + lines.map(function (l) { return l.map(csvCell).join(","); }).join("\r\n") + "\r\n";
        var link = bundle.querySelector(".goi-compare-csv");
        if (link.href.indexOf("blob:") === 0) URL.revokeObjectURL(link.href);
        link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
        bundle.querySelector(".goi-cite-text").textContent = format(text.cite, {
          measure: measure, agencies: names.join("、"), years: years[0] + (years.length > 1 ? "–" + years[years.length - 1] : ""),
          url: location.href,
        });
      }

      function suggestions() {
        var words = input.value.trim().split(/\s+/).filter(Boolean);
        suggest.innerHTML = "";
        if (!words.length) { suggest.hidden = true; input.setAttribute("aria-expanded", "false"); return; }
        var hits = [];
        for (var i = 0; i < data.agencies.length && hits.length < 12; i++) {
          var a = data.agencies[i];
          var hay = a[1] + " " + region(a);
          if (chosen.indexOf(a[0]) < 0 && words.every(function (w) { return hay.indexOf(w) !== -1; })) hits.push(a);
        }
        if (!hits.length) {
          var none = document.createElement("li");
          none.textContent = text.none;
          suggest.appendChild(none);
        }
        hits.forEach(function (a) {
          var li = document.createElement("li");
          li.setAttribute("role", "option");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "goi-pick";
          button.setAttribute("data-id", a[0]);
          button.textContent = a[1] + (region(a) ? "（" + region(a) + "）" : "");
          button.addEventListener("click", function () {
            if (chosen.length >= 10) { status.textContent = text.max; return; }
            chosen.push(a[0]);
            input.value = "";
            suggestions();
            render();
            input.focus();
          });
          li.appendChild(button);
          suggest.appendChild(li);
        });
        suggest.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }

      input.addEventListener("input", suggestions);
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") {
          var first = suggest.querySelector(".goi-pick");
          if (first) { e.preventDefault(); first.click(); }
        }
      });
      select.addEventListener("change", render);
      render();
    }).catch(function (error) {
      status.textContent = error.message;
    });
  }

  window.goiCompare = setup;
  setup();
})();
