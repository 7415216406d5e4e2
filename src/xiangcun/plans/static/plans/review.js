/* Plan review: select words in the 原文 pane to add a target the reader missed.
   A button appears next to the selection; it opens the add-target form prefilled from the selected text
   and the line it starts on. No inline script (CSP); without JavaScript the page links to the empty form. */
(function () {
  "use strict";
  var list = document.querySelector("ol.lines[data-add-target]");
  if (!list) { return; }
  var url = list.getAttribute("data-add-target");
  var button = document.createElement("a");
  button.className = "button add-target";
  button.textContent = "添加为目标";
  button.setAttribute("role", "button");
  document.body.appendChild(button);

  // .button sets a display of its own, so the hidden attribute alone would not hide it
  function show(visible) {
    button.hidden = !visible;
    button.style.display = visible ? "" : "none";
  }
  show(false);

  function lineOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    var li = el && el.closest ? el.closest("li[data-line]") : null;
    return li && list.contains(li) ? li : null;
  }

  function update() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) { show(false); return; }
    var range = selection.getRangeAt(0);
    var first = lineOf(range.startContainer);
    var text = selection.toString().replace(/\s*\n\s*/g, "").trim();
    if (!first || !lineOf(range.endContainer) || text.length < 2 || text.length > 500) { show(false); return; }
    button.href = url + "?line=" + encodeURIComponent(first.getAttribute("data-line")) + "&text=" + encodeURIComponent(text);
    var box = range.getBoundingClientRect();
    button.style.top = (window.scrollY + box.bottom + 4) + "px";
    button.style.left = (window.scrollX + Math.max(0, box.left)) + "px";
    show(true);
  }

  list.addEventListener("mouseup", function () { window.setTimeout(update, 0); });
  list.addEventListener("keyup", update);
  list.addEventListener("touchend", function () { window.setTimeout(update, 0); });
  list.closest(".source").addEventListener("scroll", function () { show(false); });
  document.addEventListener("mousedown", function (event) {
    if (event.target !== button) { show(false); }
  });
})();
