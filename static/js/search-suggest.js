// Title suggestions as an ARIA 1.2 combobox with a listbox popup, for two kinds of box:
// - the header search box (a form with data-suggest-url): choosing a suggestion opens its page;
// - a form field with data-suggest-url and data-suggest-fill (the enquiry form's programme): choosing a
//   suggestion writes its title into the box, for the form to send.
// Without JavaScript (or if the suggestions endpoint fails) each is a plain text box.
// The popup never changes what a form submits unless a suggestion is chosen.
(function () {
  "use strict";

  var MIN_LENGTH = 2;
  var DELAY = 150;

  function enhance(input, url, host, fill) {
    if (!input || !url || !window.fetch) {
      return;
    }

    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "search-suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");

    host.classList.add("search-suggest-host");
    input.insertAdjacentElement("afterend", list);
    host.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var options = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var lastQuery = "";

    function setActive(index) {
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "false");
      }
      active = index;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      setActive(-1);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function go(option) {
      if (fill) {
        input.value = option.getAttribute("data-title");
        lastQuery = input.value.trim();  // chosen, not typed: no new suggestions for it
        close();
      } else {
        window.location.assign(option.getAttribute("data-url"));
      }
    }

    function render(suggestions) {
      list.textContent = "";
      options = [];
      active = -1;
      suggestions.forEach(function (suggestion, index) {
        var option = document.createElement("li");
        option.id = listId + "-" + index;
        option.className = "search-suggest__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-url", suggestion.url);
        option.setAttribute("data-title", suggestion.title);
        var title = document.createElement("span");
        title.className = "search-suggest__title";
        title.textContent = suggestion.title;
        var kind = document.createElement("span");
        kind.className = "search-suggest__kind";
        kind.textContent = suggestion.kind;
        option.appendChild(title);
        option.appendChild(document.createTextNode(" "));
        option.appendChild(kind);
        // mousedown would blur the input and close the list before the click lands.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          go(option);
        });
        list.appendChild(option);
        options.push(option);
      });
      if (options.length) {
        open();
        status.textContent =
          options.length + (options.length === 1 ? " suggestion" : " suggestions") +
          ". Use the up and down arrow keys to choose, Enter to " + (fill ? "fill it in." : "open.");
      } else {
        close();
        status.textContent = "";
      }
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery) {
        return;
      }
      lastQuery = query;
      if (controller) {
        controller.abort();
        controller = null;
      }
      if (query.length < MIN_LENGTH) {
        render([]);
        return;
      }
      controller = window.AbortController ? new AbortController() : null;
      var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
      fetch(address, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("Suggestions unavailable: " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (input.value.trim() === query && document.activeElement === input) {
            render(Array.isArray(data.suggestions) ? data.suggestions.slice(0, 8) : []);
          }
        })
        .catch(function (error) {
          // Aborted by a newer keystroke: its own answer is on the way, so leave the list as it is.
          if (error && error.name === "AbortError") return;
          // Failed: the plain search still works, so say nothing.
          render([]);
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !list.hidden && options.length > 0;
      switch (event.key) {
        case "ArrowDown":
          if (expanded) {
            event.preventDefault();
            setActive(active + 1 < options.length ? active + 1 : 0);
          } else if (options.length) {
            event.preventDefault();
            open();
          }
          break;
        case "ArrowUp":
          if (expanded) {
            event.preventDefault();
            setActive(active > 0 ? active - 1 : options.length - 1);
          }
          break;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault();
            go(options[active]);
          }
          break;
        case "Escape":
          if (expanded) {
            event.preventDefault();
            close();
          }
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", close);
    if (input.form) {
      input.form.addEventListener("submit", close);
    }
  }

  document.querySelectorAll("form[data-suggest-url]").forEach(function (form) {
    enhance(form.querySelector('input[type="search"]'), form.getAttribute("data-suggest-url"), form, false);
  });
  document.querySelectorAll("input[data-suggest-url][data-suggest-fill]").forEach(function (input) {
    // The popup sits under the box itself, not under the field's label and hint.
    var host = document.createElement("div");
    input.insertAdjacentElement("beforebegin", host);
    host.appendChild(input);
    enhance(input, input.getAttribute("data-suggest-url"), host, true);
  });
})();
