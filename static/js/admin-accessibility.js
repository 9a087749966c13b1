// Names and structure that Django's admin widgets leave out, for screen readers (publishing.admin.WorkflowAdmin).
//
// - A tabular inline labels its columns once, in the table's header, so each row's inputs, and the select2
//   boxes of its autocomplete fields, have no name of their own, and its first header cell is empty. Each
//   control is named by its column's heading and the row's number ("Order, row 2"), which is what a sighted
//   editor reads off the table.
// - A file field is drawn as a fieldset whose legend names it, with no label for the input itself; the
//   input is named after the legend.
// - The formatted-text editor greys out a toolbar button that cannot act where the cursor is, with a class
//   only: screen readers are not told, and contrast checkers take it for an active control. Such a button
//   gets aria-disabled, kept in step with the class as soon as it changes.
// - An autocomplete for several records (select2) has a search box with no name, and puts its "remove all"
//   cross inside its list of choices. The box is named after the field's label; the cross becomes an item.
//
// The admin builds its select2 boxes after the page loads and again when an editor adds a row or picks a
// record, so the names are (re)applied whenever the form's markup changes.
(function () {
  "use strict";

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").replace(/:\s*$/, "").trim() : "";
  }

  function nameIfUnnamed(element, name) {
    if (name && !element.hasAttribute("aria-label") && !(element.labels && element.labels.length)) {
      element.setAttribute("aria-label", name);
    }
  }

  function nameTabularInline(table) {
    var headings = Array.from(table.querySelectorAll("thead th")).map(text);
    var first = table.querySelector("thead th");
    if (first && !first.textContent.trim()) {
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = "Saved row";
      first.appendChild(hidden);
    }
    table.querySelectorAll("tbody tr.form-row").forEach(function (row, index) {
      Array.from(row.children).forEach(function (cell, column) {
        var name = headings[column] && headings[column] + ", row " + (index + 1);
        cell
          .querySelectorAll(
            "input:not([type=hidden]), select, textarea, .select2-selection[role=combobox], " +
              ".select2-selection__rendered[role=textbox]"
          )
          .forEach(function (control) {
            nameIfUnnamed(control, name);
          });
      });
    });
  }

  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete[id]").forEach(function (select) {
      var box = select.nextElementSibling;
      if (!box || !box.classList.contains("select2")) return;
      var label = document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
      box.querySelectorAll(".select2-search__field").forEach(function (search) {
        nameIfUnnamed(search, text(label));
      });
      box.querySelectorAll(".select2-selection__clear:not([role])").forEach(function (cross) {
        cross.setAttribute("role", "listitem");
      });
    });
  }

  function nameFileInputs() {
    document.querySelectorAll("fieldset input[type=file]").forEach(function (input) {
      var fieldset = input.closest("fieldset");
      var legend = fieldset && fieldset.querySelector(":scope > legend");
      nameIfUnnamed(input, text(legend));
    });
  }

  function markUnavailableButtons() {
    document.querySelectorAll(".prose-menubar__button").forEach(function (button) {
      var unavailable = button.classList.contains("disabled") && !button.classList.contains("active");
      if (unavailable) {
        if (button.getAttribute("aria-disabled") !== "true") button.setAttribute("aria-disabled", "true");
      } else if (button.hasAttribute("aria-disabled")) {
        button.removeAttribute("aria-disabled");
      }
    });
  }

  function nameAll() {
    document.querySelectorAll(".inline-group .tabular table").forEach(nameTabularInline);
    nameAutocompletes();
    nameFileInputs();
  }

  var scheduled = false;
  function nameSoon() {
    if (scheduled) return;
    scheduled = true;
    window.requestAnimationFrame(function () {
      scheduled = false;
      nameAll();
    });
  }

  window.addEventListener("load", function () {
    nameAll();
    markUnavailableButtons();
    var form = document.getElementById("content-main");
    if (!form) return;
    new MutationObserver(nameSoon).observe(form, { childList: true, subtree: true });
    // At once, not at the next frame: the button's state must never be told wrongly, even briefly.
    new MutationObserver(markUnavailableButtons).observe(form, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["class"],
    });
  });
})();
