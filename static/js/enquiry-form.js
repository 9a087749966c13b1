// Enquiry form enhancements. Without JavaScript the form works the same: every field is shown.
(function () {
  "use strict";

  var form = document.getElementById("enquiry-form");
  if (!form) {
    return;
  }

  // After a failed submission, move focus to the error summary so it is read out first.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  // Cohort size and timing only matter for commissioning enquiries: hide them for other kinds.
  // Hidden fields are disabled too, so they are not sent and cannot hold a hidden error.
  var details = document.getElementById("commissioning-details");
  var kinds = form.querySelectorAll('input[name="kind"]');
  if (!details || !kinds.length) {
    return;
  }

  function update() {
    var chosen = form.querySelector('input[name="kind"]:checked');
    var show = !chosen || chosen.value === "commission" || details.querySelector(".is-invalid");
    details.hidden = !show;
    details.querySelectorAll("input, select, textarea").forEach(function (control) {
      control.disabled = !show;
    });
  }

  kinds.forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  update();
})();
