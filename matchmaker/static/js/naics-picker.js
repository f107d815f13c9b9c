// Makes every <select multiple data-naics-picker> searchable: a filter box above the list hides
// options that do not match (by code prefix or title words), asks the server for deeper 5- and
// 6-digit codes, and a click toggles an option without holding Ctrl. Without JavaScript the plain
// multiple select still works.
(function () {
  "use strict";

  function words(text) {
    return text.toLowerCase().match(/[a-z0-9]+/g) || [];
  }

  function matches(option, query) {
    if (!query) return true;
    var text = option.textContent.toLowerCase();
    if (/^\d+$/.test(query)) return option.value.indexOf(query) === 0;
    return words(query).every(function (w) { return text.indexOf(w) !== -1; });
  }

  function enhance(select) {
    var max = parseInt(select.getAttribute("data-max") || "5", 10);
    var wrapper = document.createElement("div");
    wrapper.className = "naics-picker";
    var label = document.createElement("label");
    label.className = "naics-filter-label";
    label.htmlFor = select.id + "-filter";
    label.textContent = "Find a sector by code or words";
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "-filter";
    input.className = "naics-filter";
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-controls", select.id);
    var status = document.createElement("p");
    status.className = "help naics-status";
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    select.parentNode.insertBefore(wrapper, select);

    function chosen() {
      return Array.prototype.filter.call(select.options, function (o) { return o.selected; });
    }

    function describe() {
      var names = chosen().map(function (o) { return o.textContent; });
      status.textContent = names.length
        ? names.length + " of " + max + " chosen: " + names.join("; ")
        : "None chosen yet (choose 1 to " + max + ").";
    }

    function filter() {
      var query = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (o) {
        o.hidden = !(o.selected || matches(o, query));
      });
    }

    var pending = null;
    function fetchDeeper() {
      var url = select.getAttribute("data-search-url");
      var query = input.value.trim();
      if (!url || query.length < 2 || !window.fetch) return;
      clearTimeout(pending);
      pending = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (hits) {
            hits.forEach(function (hit) {
              var exists = Array.prototype.some.call(select.options, function (o) {
                return o.value === hit.code;
              });
              if (!exists) {
                var option = document.createElement("option");
                option.value = hit.code;
                option.textContent = hit.code + " · " + hit.title;
                select.appendChild(option);
              }
            });
            filter();
          })
          .catch(function () { /* the local filter still works */ });
      }, 200);
    }

    select.addEventListener("mousedown", function (event) {
      var option = event.target;
      if (option.tagName !== "OPTION") return;
      event.preventDefault(); // a plain click toggles, no Ctrl needed
      option.selected = !option.selected;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      select.focus();
    });
    select.addEventListener("change", describe);
    input.addEventListener("input", function () { filter(); fetchDeeper(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // do not submit the form
    });
    describe();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-naics-picker]"), enhance);
  });
})();
