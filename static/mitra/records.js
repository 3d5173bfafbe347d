// Typed related records on the record forms (core/suggest.py): as the user types, the field's <datalist> is
// filled from its data-records URL (JSON {"results": [{"value", "label"}]}); a suggestion puts “Title (#id)” in
// the field. A field with data-separator holds several records separated by it: the last part is what is asked,
// and a suggestion keeps the parts before it. The browser shows the list (keyboard and screen readers as usual).
(function () {
  "use strict";

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.records;
    var separator = input.dataset.separator || "";
    if (!list || !url) return;
    var timer = null;
    var asked = null;

    function parts() {
      var text = input.value;
      if (!separator) return { before: "", typed: text.trim() };
      var at = text.lastIndexOf(separator);
      return { before: at < 0 ? "" : text.slice(0, at + 1).trim() + " ", typed: text.slice(at + 1).trim() };
    }

    function fill(before, rows) {
      list.replaceChildren();
      rows.forEach(function (row) {
        var option = document.createElement("option");
        option.value = before + row.value;
        option.label = row.label;
        option.textContent = row.label;
        list.appendChild(option);
      });
    }

    function ask() {
      var now = parts();
      var key = now.before + "\u0000" + now.typed;
      if (key === asked) return;
      asked = key;
      if (!now.typed || /\(#\d+\)$/.test(now.typed)) {
        fill(now.before, []);
        return;
      }
      fetch(url + "?q=" + encodeURIComponent(now.typed), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          var later = parts();
          if (later.typed === now.typed && later.before === now.before) fill(now.before, data.results || []);
        })
        .catch(function () { /* no suggestions; the field still takes “#id” */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
  }

  document.querySelectorAll("input[data-records][list]").forEach(attach);
})();
