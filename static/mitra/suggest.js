// Typeahead for filter fields with a data-suggest URL (the forum filters): as the user types, the field's
// <datalist> is filled with the matching records from that URL (JSON {"results": [{"value", "label"}]}).
// The browser shows the list, so arrow keys, Enter and screen readers work as with any datalist.
(function () {
  "use strict";

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.suggest;
    if (!list || !url) return;
    var timer = null;
    var asked = "";

    function fill(rows) {
      list.replaceChildren();
      rows.forEach(function (row) {
        var option = document.createElement("option");
        option.value = row.value;
        option.label = row.label;
        option.textContent = row.label;
        list.appendChild(option);
      });
    }

    function ask() {
      var typed = input.value.trim();
      if (typed === asked) return;
      asked = typed;
      if (!typed) {
        fill([]);
        return;
      }
      fetch(url + "?q=" + encodeURIComponent(typed), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === typed) fill(data.results || []); })
        .catch(function () { /* no suggestions; the field still takes a typed acronym or name */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
  }

  document.querySelectorAll("input[data-suggest][list]").forEach(attach);
})();
