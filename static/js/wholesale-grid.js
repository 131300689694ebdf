// Running total of the wholesale quick-order grid: while the reseller
// types quantities, each row's total (at the volume tier the quantity
// reaches) and the grid's total are shown, with how much is missing to
// reach the minimum order. The grid works without this script ("Update
// total" asks the server), and the server prices and checks every line
// again when the lines are added.
(function () {
  "use strict";
  var form = document.querySelector("form[data-grid]");
  if (!form) {
    return;
  }
  var lang = form.getAttribute("data-lang") === "en" ? "en" : "es";
  var minOrder = parseInt(form.getAttribute("data-min"), 10) || 0;

  // money writes céntimos the way the server does: "S/ 1,234.50".
  function money(c) {
    var whole = Math.floor(c / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var frac = ("0" + (c % 100)).slice(-2);
    return (lang === "en" ? "S/" : "S/\u00a0") + whole + "." + frac;
  }

  // unit is the price per piece at qty: the highest tier reached, else
  // the wholesale price.
  function unit(row, qty) {
    var price = parseInt(row.getAttribute("data-price"), 10) || 0;
    var tiers = (row.getAttribute("data-tiers") || "").split(" ");
    for (var i = 0; i < tiers.length; i++) {
      var t = tiers[i].split(":");
      if (t.length === 2 && qty >= parseInt(t[0], 10)) {
        price = parseInt(t[1], 10);
      }
    }
    return price;
  }

  function update() {
    var rows = form.querySelectorAll("tr[data-row]");
    var total = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var input = row.querySelector("input[inputmode='numeric']");
      var out = row.querySelector("output[data-line-total]");
      var text = input ? input.value.trim() : "";
      var qty = /^[0-9]{1,4}$/.test(text) ? parseInt(text, 10) : 0;
      var line = qty * unit(row, qty);
      total += line;
      if (out) {
        out.textContent = qty > 0 ? money(line) : "";
      }
    }
    var totalOut = form.querySelector("output[data-grid-total]");
    if (totalOut) {
      totalOut.textContent = money(total);
    }
    var note = form.querySelector("[data-grid-note]");
    if (note) {
      note.textContent = total < minOrder
        ? form.getAttribute("data-text-below").replace("{amount}", money(minOrder - total))
        : form.getAttribute("data-text-ok");
    }
  }

  form.addEventListener("input", update);
  update();
}());
