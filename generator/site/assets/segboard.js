/* segboard: sortable leaderboard tables. Bundled with the site; loads nothing else.
 *
 * A header cell with data-sb-sort="number" or "text" sorts its table when clicked: the first
 * click sorts ascending (or descending, with data-sb-first="descending": a score column where
 * higher is better shows the best first), the next one the other way. A cell's text is its value (numbers are read
 * with parseFloat, so "64.08" and "N/A" sort as 64.08 and as empty); a data-sb-value attribute
 * overrides the text.
 */
(function () {
  "use strict";

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
    Array.prototype.forEach.call(header.parentNode.cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function enable(root) {
    var headers = root.querySelectorAll("table[data-sb-sortable] th[data-sb-sort]");
    Array.prototype.forEach.call(headers, function (header) {
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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enable(document); });
  } else {
    enable(document);
  }
})();
