/* A search with no result on this language's pages offers the same search on the other
   language's site (mkdocs-material opens its search with ?q=). Our own script, no library:
   it only shows the hidden note the page carries and sets its links. */
(function () {
  "use strict";

  function setup() {
    var note = document.querySelector("[data-od-search-other]");
    var meta = document.querySelector(".md-search-result__meta");
    var list = document.querySelector(".md-search-result__list");
    var input = document.querySelector(".md-search__input");
    if (!note || !meta || !list || !input) return;
    var links = Array.prototype.slice.call(note.querySelectorAll("a[data-od-root]"));
    // the roots are relative to the page first loaded: made absolute once, before the
    // theme's instant navigation changes the address
    links.forEach(function (a) { a.dataset.odRoot = new URL(a.dataset.odRoot, location.href).href; });

    function update() {
      var query = input.value.trim();
      var none = !!query && !list.children.length &&
        meta.textContent.trim() === note.getAttribute("data-od-none");
      note.hidden = !none;
      links.forEach(function (a) { a.href = a.dataset.odRoot + "?q=" + encodeURIComponent(query); });
    }

    new MutationObserver(update).observe(meta, { childList: true, characterData: true, subtree: true });
    input.addEventListener("input", update);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
