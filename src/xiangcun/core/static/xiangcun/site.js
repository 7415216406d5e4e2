/* xiangcun: the menu button on narrow screens, scrolling to the first error, 全选 boxes, and drafts of forms kept in the browser until the server confirms. */
(function () {
  "use strict";
  var bar = document.getElementById("topbar");
  var toggle = bar && bar.querySelector(".menu-toggle");
  if (toggle) {
    // Without this script the menu simply stays open: the page works either way.
    bar.classList.add("collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      bar.classList.toggle("open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && bar.classList.contains("open")) {
        bar.classList.remove("open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }

  // A form returned with errors: the first bad row is scrolled into view (it also carries autofocus).
  var first = document.querySelector("[data-scroll-here]");
  if (first && first.scrollIntoView) { first.scrollIntoView({block: "center"}); }

  // <input type="checkbox" data-check-all="name">: ticks or clears every checkbox called `name`.
  document.querySelectorAll("input[data-check-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      var name = all.getAttribute("data-check-all");
      document.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (box.name === name) { box.checked = all.checked; }
      });
    });
  });

  // <form data-draft="key">: typed values are saved to localStorage on every change and restored on load;
  // a page carrying data-draft-saved="key" (shown after the server accepted the form) removes the draft.
  // Hidden fields are not kept, except those marked data-draft-keep (the visit form's one-time token: a form
  // reopened after a lost response sends the same token again and lands on the visit already saved).
  var store;
  try { store = window.localStorage; } catch (e) { store = null; }
  if (!store) { return; }
  document.querySelectorAll("[data-draft-saved]").forEach(function (el) {
    store.removeItem("draft:" + el.getAttribute("data-draft-saved"));
  });
  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = "draft:" + form.getAttribute("data-draft");
    var fields = function () {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.name && el.type !== "file" && (el.type !== "hidden" || el.hasAttribute("data-draft-keep")) && el.type !== "submit" && el.type !== "button";
      });
    };
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && !form.hasAttribute("data-draft-fresh")) {
      fields().forEach(function (el) {
        var value = saved[el.name];
        if (value === undefined) { return; }
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = Array.isArray(value) ? value.indexOf(el.value) >= 0 : value === el.value;
        } else {
          el.value = value;
        }
      });
      var note = form.querySelector(".draft-note");
      if (note) { note.hidden = false; }
    }
    var save = function () {
      var data = {};
      fields().forEach(function (el) {
        if (el.type === "checkbox") {
          data[el.name] = data[el.name] || [];
          if (el.checked) { data[el.name].push(el.value); }
        } else if (el.type === "radio") {
          if (el.checked) { data[el.name] = el.value; }
        } else {
          data[el.name] = el.value;
        }
      });
      try { store.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full: the form still submits */ }
    };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", save);
  });
})();
