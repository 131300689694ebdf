// Live sum of the back office's price breakdown form: while staff type,
// each channel's components are added up and compared with its price, the
// artisans' part is shown, and so is the effective hourly pay (retail
// labour ÷ labour time, rounded down as the server does) against the
// minimum wage. The form works without this script, and the
// server computes and checks every figure again on save.
(function () {
  "use strict";
  var form = document.querySelector("form[data-sum-form]");
  if (!form) {
    return;
  }
  var lang = form.getAttribute("data-lang") === "en" ? "en" : "es";

  // cents reads an amount as the server's models.ParseAmount does: "45,50",
  // "45.50", "S/ 1.234,50", "1 234"; what the server refuses (a lone
  // "1,234", three decimals, a sign) is NaN. Empty is 0 while typing.
  function cents(text) {
    var v = text.trim().replace(/^[sS]\/\.?/, "").trim().replace(/[\u00a0\u202f]/g, " ");
    if (v === "") {
      return 0;
    }
    var m = /^(\d+|\d{1,3}([ .,])\d{3}(?:\2\d{3})*)(?:([.,])(\d{1,2}))?$/.exec(v);
    if (!m || (m[2] && (m[2] === m[3] || (!m[3] && m[2] !== " " && m[1].split(m[2]).length === 2)))) {
      return NaN;
    }
    var c = parseInt(m[1].replace(/[ .,]/g, ""), 10) * 100 + parseInt(((m[4] || "") + "00").slice(0, 2), 10);
    return c > 10000000000 ? NaN : c;
  }

  // money writes céntimos the way the server does: "S/ 1,234.50".
  function money(c) {
    var sign = c < 0 ? "-" : "";
    c = Math.abs(c);
    var whole = Math.floor(c / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var frac = ("0" + (c % 100)).slice(-2);
    return sign + (lang === "en" ? "S/" : "S/\u00a0") + whole + "." + frac;
  }

  function fill(template, sum, price) {
    return template.replace("{sum}", money(sum)).replace("{price}", money(price))
      .replace("{diff}", money(Math.abs(price - sum)));
  }

  function update(channel) {
    var out = document.getElementById("sum-" + channel);
    var artisansOut = document.getElementById("artisans-" + channel);
    if (!out) {
      return;
    }
    var price = NaN;
    var sum = 0;
    var artisans = 0;
    var bad = false;
    var inputs = form.querySelectorAll("input[data-channel='" + channel + "']");
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      var v = cents(el.value);
      if (el.getAttribute("data-part") === "price") {
        price = v;
        continue;
      }
      if (isNaN(v)) {
        bad = true;
        continue;
      }
      sum += v;
      if (el.hasAttribute("data-artisans")) {
        artisans += v;
      }
    }
    if (isNaN(price)) {
      bad = true;
      price = 0;
    }
    var key = sum === price ? "data-text-ok" : (sum < price ? "data-text-short" : "data-text-over");
    out.textContent = fill(form.getAttribute(key), sum, price);
    var ok = !bad && price > 0 && sum === price;
    out.classList.toggle("sum-ok", ok);
    out.classList.toggle("sum-bad", !ok);
    if (artisansOut) {
      artisansOut.textContent = money(artisans);
    }
  }

  // whole reads a whole number of hours or minutes; empty is 0.
  function whole(el) {
    var v = el ? el.value.trim() : "";
    if (v === "") {
      return 0;
    }
    return /^\d{1,6}$/.test(v) ? parseInt(v, 10) : NaN;
  }

  var hourly = document.getElementById("hourly-pay");

  function updateHourly() {
    if (!hourly) {
      return;
    }
    var labourEl = document.getElementById("f-retail-artisan_labour");
    var labour = labourEl ? cents(labourEl.value) : NaN;
    var m = whole(form.querySelector("input[data-labour='labour_mins']"));
    var minutes = whole(form.querySelector("input[data-labour='labour_hours']")) * 60 + m;
    if (isNaN(labour) || isNaN(minutes) || m > 59 || minutes <= 0) {
      hourly.textContent = hourly.getAttribute("data-text-unknown");
      hourly.classList.remove("hourly-below");
      return;
    }
    var pay = Math.floor(labour * 60 / minutes);
    var min = parseInt(hourly.getAttribute("data-min"), 10);
    var below = pay < min;
    hourly.textContent = hourly.getAttribute(below ? "data-text-below" : "data-text-ok")
      .replace("{pay}", money(pay)).replace("{min}", money(min));
    hourly.classList.toggle("hourly-below", below);
  }

  form.addEventListener("input", function (ev) {
    var channel = ev.target.getAttribute && ev.target.getAttribute("data-channel");
    if (channel) {
      update(channel);
    }
    updateHourly();
  });
  update("retail");
  update("wholesale");
  updateHourly();
}());
