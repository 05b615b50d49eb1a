/* Charts: the static SVG is already in the page. This script only (1) shows the "interactive
   chart" button, and loads vega + vega-lite + vega-embed from this site when a reader clicks it,
   (2) adds "copy" buttons to the citation and embed code, and (3) writes the reader's access
   date into each citation: the built page cannot know it, so it carries the catalogue's dated
   wording in data-od-cite-dated ("{date}" marks the slot) and shows the undated one. It runs on
   every page change of mkdocs-material's instant navigation (document$), or once on
   DOMContentLoaded without it. */
(function () {
  "use strict";
  var bundle = null;

  function absolute(path) {
    return new URL(path, window.location.href).href;
  }

  function loadBundle(src) {
    if (window.vegaEmbed) return Promise.resolve();
    if (!bundle) {
      bundle = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = function () { bundle = null; reject(new Error("bundle: " + src)); };
        document.head.appendChild(script);
      });
    }
    return bundle;
  }

  function loadSpec(src) {
    return fetch(src, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("spec: " + response.status);
      return response.json();
    });
  }

  function openChart(button) {
    var target = document.getElementById(button.getAttribute("aria-controls"));
    var still = document.getElementById(button.getAttribute("data-od-static"));
    var status = button.parentNode.querySelector(".od-chart__status");
    button.disabled = true;
    status.textContent = button.getAttribute("data-od-loading");
    // the phone's own layout on a narrow screen, as the static image chooses it (<picture>)
    var narrow = window.matchMedia && window.matchMedia("(max-width: 40em)").matches;
    var spec = button.getAttribute(narrow ? "data-od-spec-narrow" : "data-od-spec");
    Promise.all([loadBundle(absolute(button.getAttribute("data-od-bundle"))),
                 loadSpec(absolute(spec))])
      .then(function (done) {
        // Under the site's Content-Security-Policy (no 'unsafe-eval', no inline <style>):
        // `ast: true` makes vega-embed run Vega's expression interpreter (in the bundle)
        // instead of compiling expressions with Function(); its default styles and the
        // tooltip's would be injected as <style> elements, so site.css carries them.
        return window.vegaEmbed(target, done[1], {
          actions: false, renderer: "svg", ast: true, defaultStyle: false,
          tooltip: { disableDefaultStyle: true }
        });
      })
      .then(function () {
        target.hidden = false;
        still.hidden = true;
        button.hidden = true;
        status.textContent = "";
      })
      .catch(function () {
        button.disabled = false;
        status.textContent = button.getAttribute("data-od-failed");
      });
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-od-copy"));
    var label = button.textContent;
    navigator.clipboard.writeText(source.textContent).then(function () {
      button.textContent = button.getAttribute("data-od-copied");
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  }

  function today(locale) {
    return new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric" })
      .format(new Date());
  }

  function dateCitation(element) {
    var parts = (element.getAttribute("data-od-cite-dated") || "").split("{date}");
    if (parts.length !== 2) return;
    // the sources' names lead the citation in their own language span: only the rest changes
    var rest = element.querySelector("[data-od-cite-rest]");
    var lead = rest ? rest.previousElementSibling.textContent.length : 0;
    var target = rest || element;
    try {
      target.textContent = (parts[0] + today(element.getAttribute("data-od-cite-locale")) + parts[1]).slice(lead);
    } catch (e) {
      target.textContent = element.getAttribute("data-od-cite-undated").slice(lead);
    }
  }

  function init() {
    document.querySelectorAll("[data-od-cite-dated]").forEach(dateCitation);
    document.querySelectorAll("[data-od-chart-open]").forEach(function (button) {
      if (button.hasAttribute("data-od-ready")) return;
      button.setAttribute("data-od-ready", "");
      button.hidden = false;
      button.addEventListener("click", function () { openChart(button); });
    });
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-od-copy]").forEach(function (button) {
      if (button.hasAttribute("data-od-ready")) return;
      button.setAttribute("data-od-ready", "");
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
