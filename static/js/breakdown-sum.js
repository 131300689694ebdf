// Live sum of the back office's price breakdown form: while staff type,
// each channel's components are added up and compared with its price, and
// the artisans' part is shown. The form works without this script, and the
// server computes and checks every figure again on save.
(function () {
  "use strict";
  var form = document.querySelector("form[data-sum-form]");
  if (!form) {
    return;
  }
  var lang = form.getAttribute("data-lang") === "en" ? "en" : "es";

  // cents reads "1,234.50" as 123450; anything else is NaN.
  function cents(text) {
    var v = text.trim().replace(/,/g, "");
    if (v === "") {
      return 0;
    }
    if (!/^[0-9]{0,12}(\.[0-9]{1,2})?$/.test(v) || v === ".") {
      return NaN;
    }
    var parts = v.split(".");
    var frac = (parts[1] || "") + "00";
    return (parts[0] === "" ? 0 : parseInt(parts[0], 10)) * 100 + parseInt(frac.slice(0, 2), 10);
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

  form.addEventListener("input", function (ev) {
    var channel = ev.target.getAttribute && ev.target.getAttribute("data-channel");
    if (channel) {
      update(channel);
    }
  });
  update("retail");
  update("wholesale");
}());
