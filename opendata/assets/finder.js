/* The directory finder: filters, filter state in the URL, kelurahan-first and near-me order.
   Our own script, no library. It never builds HTML: it toggles `hidden`, moves the rows the
   page already has, and sets textContent. The location (opt-in) never leaves the page. */
(function () {
  "use strict";
  var PARAMS = ["kecamatan", "kelurahan", "bidang", "akreditasi", "cari"];

  function norm(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  function km(a, b) {  // haversine distance between [lat, lon] pairs, in km
    var rad = Math.PI / 180, dLat = (b[0] - a[0]) * rad, dLon = (b[1] - a[1]) * rad;
    var h = Math.pow(Math.sin(dLat / 2), 2) +
      Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.pow(Math.sin(dLon / 2), 2);
    return 12742 * Math.asin(Math.sqrt(h));
  }

  function setup(root) {
    var $ = function (selector) { return root.querySelector(selector); };
    var form = $("[data-od-form]"), t = root.dataset;
    form.hidden = false;   // the filters work from here on (without this script: links only)
    if ($("[data-od-form-note]")) $("[data-od-form-note]").hidden = false;
    // the filters this directory has (a directory may declare no fields or status)
    var params = PARAMS.filter(function (name) { return form.elements[name]; });
    var number = new Intl.NumberFormat(document.documentElement.lang || t.lang);
    var rules = new Intl.PluralRules(document.documentElement.lang || t.lang);
    function plural(forms, n) {  // a text's forms ({one, other}) chosen by CLDR plural rules
      var all = JSON.parse(forms);
      return all[rules.select(n)] || all.other;
    }
    var decimal = new Intl.NumberFormat(document.documentElement.lang || t.lang,
      { maximumFractionDigits: 1 });
    var items = Array.prototype.map.call(root.querySelectorAll("[data-od-row]"), function (el, i) {
      var d = el.dataset;
      return { el: el, i: i, home: el.parentNode, kecamatan: d.kecamatan, kelurahan: d.kelurahan,
        place: d.place, bidang: d.bidang.split(" "), akreditasi: d.akreditasi, text: norm(el.textContent),
        at: d.lat ? [parseFloat(d.lat), parseFloat(d.lon)] : null, km: null,
        distance: el.querySelector("[data-od-distance]") };
    });
    var state = { arranged: "groups", here: null };

    function values() {
      var v = {};
      params.forEach(function (name) { v[name] = (form.elements[name].value || "").trim(); });
      return v;
    }

    function kelurahanOption(code) {
      return code ? form.elements.kelurahan.querySelector('option[value="' + CSS.escape(code) + '"]') : null;
    }

    // a kecamatan of the area (not the "unknown" or "outside" choice of the same select)
    function isArea(code) { return !!code && code !== t.unknown && code !== t.outside; }

    // In a chosen kecamatan: its institutions, and those whose kecamatan is not known (they
    // may be there); never a partner elsewhere, whose kecamatan value is t.outside.
    function inKecamatan(item, code) {
      return !code || item.kecamatan === code || (isArea(code) && item.kecamatan === t.unknown);
    }

    function matches(item, v, scope, terms) {
      return inKecamatan(item, v.kecamatan) && inKecamatan(item, scope) &&
        (!v.bidang || item.bidang.indexOf(v.bidang) >= 0) &&
        (!v.akreditasi || item.akreditasi === v.akreditasi) &&
        terms.every(function (term) { return item.text.indexOf(term) >= 0; });
    }

    function place(list, rows) {
      rows.forEach(function (item) { list.appendChild(item.el); });
    }

    function arrange(mode, shown, kelurahan, chosen) {
      var sorted = $("[data-od-sorted]"), first = [], rest = [], maybe = [];
      if (mode === "groups") {
        if (state.arranged !== "groups") items.forEach(function (item) { item.home.appendChild(item.el); });
        root.querySelectorAll("[data-od-group]").forEach(function (group) {
          var count = group.querySelectorAll("[data-od-row]:not([hidden])").length;
          var label = group.firstElementChild.querySelector("[data-od-group-count]");
          if (label) label.textContent = number.format(count);
          group.hidden = !count;
        });
      } else if (mode === "near") {
        shown.forEach(function (item) { (item.km === null ? rest : first).push(item); });
        first.sort(function (a, b) { return a.km - b.km || a.i - b.i; });
      } else {
        shown.forEach(function (item) {
          (item.kelurahan === kelurahan.value ? first : item.kecamatan === t.unknown ? maybe : rest).push(item);
        });
      }
      root.querySelectorAll("[data-od-maybe]").forEach(function (note) { note.hidden = !isArea(chosen); });
      $("[data-od-none-here]").hidden = mode !== "groups" || !isArea(chosen) ||
        shown.some(function (item) { return item.kecamatan === chosen; });
      sorted.hidden = mode === "groups";
      $("[data-od-groups]").hidden = mode !== "groups";
      $("[data-od-jump]").hidden = mode !== "groups" || shown.length < items.length;
      if (mode !== "groups") {
        var hidden = items.filter(function (item) { return item.el.hidden; });
        place($("[data-od-first]"), first);
        place($("[data-od-maybe-list]"), maybe);
        place($("[data-od-rest]"), rest.concat(hidden));
        $("[data-od-maybe-title]").hidden = !maybe.length;
        var names = kelurahan ? { name: kelurahan.dataset.name } : {};
        $("[data-od-first-title]").textContent = fill(mode === "near" ? t.tFirstNear : t.tFirstKelurahan, names);
        $("[data-od-rest-title]").textContent = fill(mode === "near" ? t.tRestNear : t.tRestKelurahan,
          kelurahan ? { name: kelurahan.dataset.kecamatanName } : {});
        $("[data-od-first-title]").hidden = mode === "near" && !first.length;
        $("[data-od-first-none]").hidden = mode === "near" || first.length > 0;
        $("[data-od-rest-title]").hidden = !rest.length;
      }
      state.arranged = mode;
    }

    function apply() {
      var v = values(), kelurahan = kelurahanOption(v.kelurahan);
      var scope = kelurahan ? kelurahan.dataset.kecamatan : "";
      var terms = norm(v.cari).split(" ").filter(Boolean), shown = [];
      items.forEach(function (item) {
        var show = matches(item, v, scope, terms);
        if (item.el.hidden === show) item.el.hidden = !show;
        if (show) shown.push(item);
      });
      arrange(state.here ? "near" : kelurahan ? "kelurahan" : "groups", shown, kelurahan, scope || v.kecamatan);
      var counts = { shown: number.format(shown.length), total: number.format(items.length) };
      $("[data-od-count]").textContent = state.here ? fill(plural(t.tLocated, shown.length), counts)
        : fill(shown.length === items.length ? plural(t.tAll, items.length)
          : plural(t.tSome, items.length), counts);
      $("[data-od-empty]").hidden = shown.length > 0;
      remember(v);
      document.documentElement.dataset.finderReady = "1";
    }

    function remember(v) {
      var query = new URLSearchParams();
      params.forEach(function (name) { if (v[name]) query.set(name, v[name]); });
      var search = query.toString(), url = location.pathname + (search ? "?" + search : "") + location.hash;
      if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
    }

    function limitKelurahan() {  // only the kelurahan of the chosen kecamatan can be chosen
      var kecamatan = form.elements.kecamatan.value;
      form.elements.kelurahan.querySelectorAll("optgroup").forEach(function (group) {
        var off = !!kecamatan && group.dataset.kecamatan !== kecamatan;
        group.hidden = group.disabled = off;
      });
      var chosen = kelurahanOption(form.elements.kelurahan.value);
      if (chosen && chosen.dataset.kecamatan !== kecamatan) form.elements.kelurahan.value = "";
    }

    function restore() {  // the URL's query → the form (unknown values are ignored)
      var query = new URLSearchParams(location.search);
      params.forEach(function (name) {
        var control = form.elements[name], value = query.get(name) || "";
        if (control.tagName !== "SELECT" || !value || control.querySelector('option[value="' + CSS.escape(value) + '"]')) {
          control.value = value;
        }
      });
      var kelurahan = kelurahanOption(form.elements.kelurahan.value);
      if (kelurahan) form.elements.kecamatan.value = kelurahan.dataset.kecamatan;
      limitKelurahan();
    }

    function locate(button) {
      if (state.here) {
        state.here = null;
        items.forEach(function (item) { item.km = null; if (item.distance) item.distance.hidden = true; });
        button.setAttribute("aria-pressed", "false");
        return apply();
      }
      $("[data-od-count]").textContent = t.tLocating;
      navigator.geolocation.getCurrentPosition(function (position) {
        state.here = [position.coords.latitude, position.coords.longitude];
        items.forEach(function (item) {
          if (!item.at) return;
          item.km = km(state.here, item.at);
          item.distance.textContent = fill(t.tDistance, { km: decimal.format(item.km) });
          item.distance.hidden = false;
        });
        button.setAttribute("aria-pressed", "true");
        apply();
      }, function () {
        $("[data-od-count]").textContent = t.tNoLocation;
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
    }

    form.addEventListener("input", function (event) {
      if (event.target.name === "kecamatan") limitKelurahan();
      if (event.target.name === "kelurahan" && event.target.value) {
        form.elements.kecamatan.value = kelurahanOption(event.target.value).dataset.kecamatan;
        limitKelurahan();
      }
      apply();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.addEventListener("reset", function () { setTimeout(function () { limitKelurahan(); apply(); }); });
    // The theme makes every link absolute when a page loads, query included: in-page anchors
    // would bring back the filters of that moment. Fragment-only links follow the current URL.
    root.querySelectorAll("a[href*='#']").forEach(function (a) {
      if (a.pathname === location.pathname && a.hash) a.setAttribute("href", a.hash);
    });
    var near = $("[data-od-near]");
    if (near && navigator.geolocation) {
      near.hidden = false;
      near.addEventListener("click", function () { locate(near); });
    }
    restore();
    apply();
    if (window.performance && performance.mark) performance.mark("od-finder-ready");
  }

  delete document.documentElement.dataset.finderReady;
  document.querySelectorAll("[data-od-finder]").forEach(setup);
})();
