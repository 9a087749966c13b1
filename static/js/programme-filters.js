// Progressive enhancement for the programme filters: on narrow screens, fold the filter panel
// so the results come first (the chosen filters stay listed above them). Without JavaScript the panel simply stays open.
(function () {
  "use strict";
  var panels = document.querySelectorAll("details[data-collapse-below]");
  panels.forEach(function (panel) {
    var query = window.matchMedia("(max-width: " + panel.getAttribute("data-collapse-below") + ")");
    if (query.matches) {
      panel.removeAttribute("open");
    }
  });
})();
