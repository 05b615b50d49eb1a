/* opendata serve: the live preview. Served by the local server only (never part of the
   built site) from the site's own origin, as a file (no inline script, so a page's
   Content-Security-Policy of script-src 'self' allows it). Asks the server every quarter
   second which build it has; a new one reloads the page, a failed one shows its problems. */
(function () {
  "use strict";
  var STATUS = "/__opendata/build.json";
  var script = document.currentScript;
  var shown = script ? new URL(script.src).searchParams.get("build") : null;   // this page's
  var banner = null;

  function show(problems) {
    if (!banner) {
      banner = document.createElement("pre");
      banner.id = "od-preview-problems";
      banner.setAttribute("role", "alert");
      banner.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;" +
        "margin:0;padding:1em;background:#fff3f3;color:#8b0000;border-top:3px solid #8b0000;" +
        "font:13px/1.4 monospace;white-space:pre-wrap;z-index:1000";
      document.body.appendChild(banner);
    }
    banner.textContent = problems;   // text, never markup
  }

  function check() {
    fetch(STATUS, {cache: "no-store"}).then(function (answer) {
      return answer.ok ? answer.json() : null;
    }).then(function (status) {
      if (!status) return;
      if (shown !== null && String(status.id) !== shown) {
        window.location.reload();
        return;
      }
      if (status.ok === false) show(status.problems || "");
      else if (banner) { banner.remove(); banner = null; }
    }).catch(function () { /* the server is restarting: ask again */ })
      .then(function () { window.setTimeout(check, 250); });
  }
  check();
}());
