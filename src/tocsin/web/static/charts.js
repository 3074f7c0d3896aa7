/* Draws every [data-chart] element with plotly.js. The figure is JSON in the element's
   data-chart attribute (escaped by the server); nothing is evaluated as code. */
(function () {
  "use strict";

  var CONFIG = { displayModeBar: false, responsive: true };

  function text(tag, value) {
    var el = document.createElement(tag);
    el.textContent = value;
    return el;
  }

  function describe(row) {
    if (row === null || typeof row !== "object") return String(row);
    var parts = [];
    ["day", "source_name", "source", "cameo", "target_name", "target", "modality", "signal", "trigger", "title"]
      .forEach(function (k) { if (row[k] !== undefined && row[k] !== null && typeof row[k] !== "object") parts.push(String(row[k])); });
    return parts.length ? parts.join(" · ") : JSON.stringify(row);
  }

  function explain(pair, day) {
    var box = document.getElementById("explain");
    var list = document.getElementById("explain-list");
    var title = document.getElementById("explain-title");
    if (!box || !list) return;
    var url = "/api/monitor/explain?pair=" + encodeURIComponent(pair) + "&day=" + encodeURIComponent(day);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        list.replaceChildren();
        title.textContent = "Events behind the index of " + pair + " on " + day;
        var rows = (data && data.rows) || [];
        if (!data.available) list.appendChild(text("li", data.reason || "the escalation monitor is not available"));
        else if (!rows.length) list.appendChild(text("li", "No events."));
        rows.forEach(function (row) { list.appendChild(text("li", describe(row))); });
        box.hidden = false;
      })
      .catch(function (err) { console.warn("explain failed", err); });
  }

  function draw(el) {
    var fig;
    try {
      fig = JSON.parse(el.getAttribute("data-chart"));
    } catch (err) {
      console.warn("chart data unreadable", err);
      return;
    }
    window.Plotly.newPlot(el, fig.data, fig.layout, CONFIG).then(function () {
      el.setAttribute("data-rendered", "true");
      el.on("plotly_click", function (ev) {
        var point = ev.points && ev.points[0];
        var data = point && point.customdata;
        if (!data) return;
        if (fig.link) {
          window.location.href = fig.link + encodeURIComponent(data[0]);
        } else if (fig.explain && point.data.yaxis === "y2") {
          explain(data[0], data[1]);
        } else if (fig.explain) {
          window.location.href = "/events?pair=" + encodeURIComponent(data[0]) +
            "&since=" + encodeURIComponent(data[1]) + "&until=" + encodeURIComponent(data[1]);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Plotly) {
      console.warn("plotly.js did not load");
      return;
    }
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
