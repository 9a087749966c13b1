// Progressive enhancement for the programme filters. The panel starts folded, so that on a phone the
// results come first (the chosen filters stay listed above them) and nothing jumps when this script
// arrives late; on a wide screen, where the panel sits beside the results, it is opened. Without
// JavaScript the folded panel still opens with a click: it is a plain <details>.
(function () {
  "use strict";
  var panels = document.querySelectorAll("details[data-open-from]");
  panels.forEach(function (panel) {
    if (window.matchMedia("(min-width: " + panel.getAttribute("data-open-from") + ")").matches) {
      panel.setAttribute("open", "");
    }
  });
})();
