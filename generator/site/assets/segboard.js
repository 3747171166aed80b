/* segboard: sortable tables, and the filters of each leaderboard. Bundled with the site; loads
 * nothing else and needs no server.
 *
 * Sorting: a header cell with data-sb-sort="number" or "text" sorts its table when clicked: the
 * first click sorts ascending (or descending, with data-sb-first="descending": a score column
 * where higher is better shows the best first), the next one the other way. A cell's text is its
 * value (numbers are read with parseFloat, so "N/A" sorts as empty); data-sb-value overrides it.
 *
 * Filters: each leaderboard block (data-sb-board) has a form whose choices hide the rows that do
 * not match (reproductions and aggregated rows stay hidden unless asked for). The rows shown
 * are put back in ranking order (data-sb-pos) and ranked again among themselves (equal scores
 * share a rank); the chart shows the same rows and redraws its running best. The choices live
 * in the page's address (?<board>.<name>=<value>), so a filtered view can be shared.
 */
(function () {
  "use strict";

  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  /* -- sorting ------------------------------------------------------------------------------ */

  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-sb-value") ? cell.getAttribute("data-sb-value") : cell.textContent;
    if (kind === "number") {
      var number = parseFloat(raw);
      return isNaN(number) ? null : number;
    }
    return raw.trim().toLocaleLowerCase();
  }

  function compare(a, b) {
    if (a === b) return 0;
    if (a === null) return 1; // empty cells last, whatever the direction
    if (b === null) return -1;
    return a < b ? -1 : 1;
  }

  function sortBy(header) {
    var table = header.closest("table");
    var body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(header.parentNode.cells, header);
    var kind = header.getAttribute("data-sb-sort");
    var current = header.getAttribute("aria-sort");
    // the first click follows data-sb-first (a score column: best first), later clicks toggle
    var ascending = current ? current !== "ascending" : header.getAttribute("data-sb-first") !== "descending";
    var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
      return { row: row, key: cellValue(row, index, kind), position: position };
    });
    rows.sort(function (x, y) {
      var order = compare(x.key, y.key);
      if (order !== 0 && x.key !== null && y.key !== null && !ascending) order = -order;
      return order !== 0 ? order : x.position - y.position; // stable
    });
    rows.forEach(function (item) { body.appendChild(item.row); });
    markSorted(header, ascending ? "ascending" : "descending");
  }

  function markSorted(header, direction) {
    each(header.parentNode.cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", direction);
  }

  function enableSorting(root) {
    each(root.querySelectorAll("table[data-sb-sortable] th[data-sb-sort]"), function (header) {
      if (header.getAttribute("data-sb-ready")) return;
      header.setAttribute("data-sb-ready", "1");
      header.setAttribute("tabindex", "0");
      header.addEventListener("click", function () { sortBy(header); });
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(header);
        }
      });
    });
  }

  /* -- filters ------------------------------------------------------------------------------ */

  var boards = [];

  function words(row, attribute) {
    return (row.getAttribute(attribute) || "").split(" ").filter(Boolean);
  }

  function listMatches(row, attribute, wanted) {
    if (!wanted) return true;
    var have = words(row, attribute);
    return wanted === "none" || wanted === "unstated" ? have.length === 0 : have.indexOf(wanted) >= 0;
  }

  function choices(form) {
    var state = {};
    each(form.elements, function (element) {
      if (!element.name) return;
      state[element.name] = element.type === "checkbox" ? (element.checked ? "1" : "") : element.value;
    });
    return state;
  }

  function shown(row, state) {
    if (row.getAttribute("data-sb-kind") !== "claim" && !state.repro) return false;
    var check = row.getAttribute("data-sb-state");
    if (state.state === "verified" && check !== "verified") return false;
    if (state.state === "checked" && check === "claimed") return false;
    if (state.code && row.getAttribute("data-sb-code") !== "1") return false;
    return listMatches(row, "data-sb-extra", state.extra) &&
      listMatches(row, "data-sb-tta", state.tta) &&
      listMatches(row, "data-sb-pre", state.pre);
  }

  function apply(board) {
    var state = choices(board.form);
    var rank = 0, count = 0, previous = null, total = 0;
    board.rows.forEach(function (row) {
      board.body.appendChild(row); // back in ranking order
      var visible = shown(row, state);
      if (row.getAttribute("data-sb-kind") === "claim" || state.repro) total += 1;
      row.hidden = !visible;
      if (!visible) return;
      count += 1;
      var score = row.getAttribute("data-sb-score");
      if (score !== previous) rank = count; // competition ranking: 1, 2, 2, 4
      previous = score;
      row.cells[0].textContent = String(rank);
    });
    markSorted(board.table.tHead.rows[0].cells[0], "ascending");
    var counter = board.form.querySelector(".sb-count");
    counter.textContent = counter.getAttribute("data-sb-template")
      .replace("{shown}", String(count)).replace("{total}", String(total));
    if (board.chart) redraw(board);
  }

  function redraw(board) {
    var higher = board.block.getAttribute("data-sb-better") !== "lower";
    var points = [];
    each(board.chart.querySelectorAll("circle[data-sb-row]"), function (dot) {
      var row = document.getElementById(dot.getAttribute("data-sb-row"));
      var visible = row !== null && !row.hidden;
      if (visible) dot.removeAttribute("display"); else dot.setAttribute("display", "none");
      if (visible) points.push(dot);
    });
    // y grows downwards: a higher score has a smaller y
    var y = function (dot) { return parseFloat(dot.getAttribute("cy")); };
    var x = function (dot) { return parseFloat(dot.getAttribute("cx")); };
    points.sort(function (a, b) { return x(a) - x(b) || (higher ? y(a) - y(b) : y(b) - y(a)); });
    var best = [];
    points.forEach(function (dot) {
      var last = best[best.length - 1];
      if (!last || (higher ? y(dot) < y(last) : y(dot) > y(last))) best.push(dot);
    });
    var path = best.length ? "M" + x(best[0]) + " " + y(best[0]) : "";
    best.slice(1).forEach(function (dot) { path += "H" + x(dot) + "V" + y(dot); });
    if (best.length) path += "H" + board.chart.getAttribute("data-sb-right");
    board.chart.querySelector(".sb-p-best").setAttribute("d", path);
    each(board.chart.querySelectorAll("circle[data-sb-row]"), function (dot) {
      dot.classList.toggle("sb-p-on-best", best.indexOf(dot) >= 0);
    });
    placeLabels(board.chart, best, x, y);
  }

  /* Labels for the running best's steps, as the build places them (site/charts.py): the best
   * of all first, then the others by the size of their step; each at the first place beside its
   * dot (a few heights, its side and then the other) inside its area that overlaps no label, no
   * step of the line and no dot on it, or none at all (its dot still gives its details). */
  function placeLabels(chart, best, x, y) {
    var area = chart.getAttribute("data-sb-label-area").split(" ").map(parseFloat);
    var right = parseFloat(chart.getAttribute("data-sb-right"));
    var taken = [];
    best.forEach(function (dot, i) {
      taken.push({ x: x(dot) - 6, y: y(dot) - 6, width: 12, height: 12 });
      var nextX = i + 1 < best.length ? x(best[i + 1]) : right;
      taken.push({ x: x(dot), y: y(dot) - 1.5, width: nextX - x(dot), height: 3 });
      if (i + 1 < best.length) {
        var nextY = y(best[i + 1]);
        taken.push({ x: nextX - 1.5, y: Math.min(y(dot), nextY), width: 3, height: Math.abs(nextY - y(dot)) });
      }
    });
    var gain = function (dot) {
      var i = best.indexOf(dot);
      return i > 0 ? Math.abs(y(dot) - y(best[i - 1])) : 0;
    };
    var order = best.slice(0, -1).sort(function (a, b) { return gain(b) - gain(a) || x(a) - x(b); });
    if (best.length) order.unshift(best[best.length - 1]);
    var wanted = {};
    order.forEach(function (dot) { wanted[dot.getAttribute("data-sb-row")] = true; });
    each(chart.querySelectorAll("text[data-sb-row]"), function (label) {
      if (label.getAttribute("data-sb-made") || !wanted[label.getAttribute("data-sb-row")]) {
        if (label.getAttribute("data-sb-made")) label.remove(); else label.setAttribute("display", "none");
      }
    });
    var clear = function (box) {
      if (box.x < area[0] || box.y < area[1] || box.x + box.width > area[2] || box.y + box.height > area[3]) return false;
      return !taken.some(function (o) {
        return box.x < o.x + o.width && o.x < box.x + box.width && box.y < o.y + o.height && o.y < box.y + box.height;
      });
    };
    var offsets = [-7, 15, -21, 29, -35, 43];
    order.forEach(function (dot) {
      var row = dot.getAttribute("data-sb-row");
      var label = null;
      each(chart.querySelectorAll("text[data-sb-row]"), function (l) {
        if (l.getAttribute("data-sb-row") === row) label = l;
      });
      if (label === null) { // a step the build did not label: named as its dot is
        label = document.createElementNS("http://www.w3.org/2000/svg", "text");
        label.setAttribute("class", "sb-p-label");
        label.setAttribute("data-sb-row", row);
        label.setAttribute("data-sb-made", "1");
        label.setAttribute("aria-hidden", "true");
        label.textContent = dot.getAttribute("aria-label").split(": ").slice(0, -1).join(": ");
        chart.appendChild(label);
      }
      label.removeAttribute("display");
      var first = x(dot) > area[0] + (area[2] - area[0]) * 0.6 ? "end" : "start";
      var sides = [first, first === "end" ? "start" : "end"];
      for (var s = 0; s < sides.length; s += 1) {
        label.setAttribute("text-anchor", sides[s]);
        label.setAttribute("x", String(sides[s] === "end" ? x(dot) - 7 : x(dot) + 7));
        for (var i = 0; i < offsets.length; i += 1) {
          label.setAttribute("y", String(y(dot) + offsets[i]));
          var box = label.getBBox();
          if (clear(box)) {
            taken.push(box);
            return;
          }
        }
      }
      label.setAttribute("display", "none");
    });
  }

  function saveAddress() {
    var params = new URLSearchParams(window.location.search);
    boards.forEach(function (board) {
      var state = choices(board.form);
      Object.keys(state).forEach(function (name) {
        var key = board.key + "." + name;
        if (state[name]) params.set(key, state[name]); else params.delete(key);
      });
    });
    var query = params.toString();
    var address = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(null, "", address);
  }

  function readAddress(board) {
    var params = new URLSearchParams(window.location.search);
    each(board.form.elements, function (element) {
      if (!element.name) return;
      var value = params.get(board.key + "." + element.name);
      if (value === null) return;
      if (element.type === "checkbox") {
        element.checked = value === "1";
      } else if (element.querySelector("option[value='" + CSS.escape(value) + "']")) {
        element.value = value;
      }
    });
  }

  /* A link to a row (a search result, a "reproduces" link) shows it even when filtered out,
     and below the header row of its board's scroll box (wider screens), with that box in view. */
  function revealTarget() {
    var id;
    try {
      id = decodeURIComponent(window.location.hash.slice(1));
    } catch (malformed) {  /* an address such as #%E0 names no row (rows' ids are plain) */
      return;
    }
    var row = id ? document.getElementById(id) : null;
    if (!row || row.tagName !== "TR") return;
    var board = boards.filter(function (b) { return b.block.contains(row); })[0];
    if (!board) return;
    if (row.hidden) {
      if (row.getAttribute("data-sb-kind") !== "claim") board.form.elements.repro.checked = true;
      apply(board);
      if (row.hidden) {
        board.form.reset();
        board.form.elements.repro && (board.form.elements.repro.checked = row.getAttribute("data-sb-kind") !== "claim");
        apply(board);
      }
      saveAddress();
    }
    var box = board.table.parentNode;
    if (box.scrollHeight > box.clientHeight + 1) {  /* the box scrolls: bring it, then the row */
      box.scrollIntoView({ block: "start" });
      var head = board.table.tHead ? board.table.tHead.offsetHeight : 0;
      box.scrollTop += row.getBoundingClientRect().top - box.getBoundingClientRect().top - head;
    } else {
      row.scrollIntoView();
    }
  }

  function enableTips(board) {
    var figure = board.chart.parentNode;
    var tip = document.createElement("div");
    tip.className = "sb-tip";
    tip.hidden = true;
    figure.appendChild(tip);
    var show = function (event) {
      var dot = event.target;
      var box = dot.getBoundingClientRect(), frame = figure.getBoundingClientRect();
      tip.textContent = dot.getAttribute("aria-label");
      tip.hidden = false;
      tip.style.left = Math.max(0, Math.min(box.left - frame.left, frame.width - 220)) + "px";
      tip.style.top = (box.top - frame.top - 34) + "px";
    };
    var hide = function () { tip.hidden = true; };
    each(board.chart.querySelectorAll("circle[data-sb-row]"), function (dot) {
      dot.addEventListener("mouseenter", show);
      dot.addEventListener("focus", show);
      dot.addEventListener("mouseleave", hide);
      dot.addEventListener("blur", hide);
      var open = function () { window.location.hash = dot.getAttribute("data-sb-row"); };
      dot.addEventListener("click", open);
      dot.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); open(); }
      });
    });
  }

  function enableFilters(root) {
    each(root.querySelectorAll("[data-sb-board]"), function (block) {
      var form = block.querySelector("form.sb-filters");
      var table = block.querySelector("table.sb-board");
      if (!form || !table || block.getAttribute("data-sb-ready")) return;
      block.setAttribute("data-sb-ready", "1");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows).sort(function (a, b) {
        return parseInt(a.getAttribute("data-sb-pos"), 10) - parseInt(b.getAttribute("data-sb-pos"), 10);
      });
      var board = {
        key: block.getAttribute("data-sb-board"), block: block, form: form, table: table,
        body: body, rows: rows, chart: block.querySelector("svg.sb-progress")
      };
      boards.push(board);
      readAddress(board);
      form.hidden = false;
      form.addEventListener("change", function () { apply(board); saveAddress(); });
      form.addEventListener("reset", function () {
        window.setTimeout(function () { apply(board); saveAddress(); }, 0);
      });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      if (board.chart) enableTips(board);
      apply(board);
    });
    revealTarget();
  }

  /* The theme's search is a dialog without a name: give it the name of its input. */
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    var input = document.querySelector(".md-search__input");
    if (dialog && input && !dialog.hasAttribute("aria-label")) {
      dialog.setAttribute("aria-label", input.getAttribute("aria-label") || input.getAttribute("placeholder") || "Search");
    }
  }

  function start() {
    nameSearchDialog();
    enableSorting(document);
    enableFilters(document);
    window.addEventListener("hashchange", revealTarget);
    /* the browser scrolls to the address's row itself once the page has loaded */
    window.addEventListener("load", function () { window.setTimeout(revealTarget, 0); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
