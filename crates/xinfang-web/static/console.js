// The console's only behaviour (served as /static/console.js; the CSP
// allows same-origin scripts, no inline ones):
// - a form or button with data-confirm asks in a dialog before it submits
//   (irreversible actions: 申请回避, 已化解, 停用, 请求复查 …);
// - an element with data-print prints the page (receipts);
// - a button with data-apply="field-id" and data-value puts a suggestion
//   into that field (one click to apply);
// - a select with data-search="…" gets a filter box (long unit lists).
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  // On a phone the menu starts folded: the page comes first.
  // Wider again (a rotated tablet, a resized window), it opens: at desktop
  // width the menu has no toggle to open it with.
  var menu = document.querySelector("nav.side details");
  if (menu && window.matchMedia) {
    var narrow = window.matchMedia("(max-width: 48rem)");
    menu.open = !narrow.matches;
    var follow = function () {
      menu.open = !narrow.matches;
    };
    if (narrow.addEventListener) narrow.addEventListener("change", follow);
  }
  function ask(text, then) {
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(text)) then();
      return;
    }
    document.getElementById("confirm-text").textContent = text;
    dialog.returnValue = "";
    dialog.onclose = function () {
      if (dialog.returnValue === "ok") then();
    };
    dialog.showModal();
    document.getElementById("confirm-ok").focus();
  }
  // A long unit list gets a filter box: typing a few characters of a name
  // (住建, 西湖, 纪委) keeps only the matching bodies, groups stay in order.
  document.querySelectorAll("select[data-search]").forEach(function (sel) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-filter";
    box.placeholder = sel.getAttribute("data-search");
    box.setAttribute("aria-label", sel.getAttribute("data-search"));
    box.setAttribute("aria-controls", sel.id || "");
    var at = sel.closest("label") || sel;
    at.parentNode.insertBefore(box, at);
    box.addEventListener("input", function () {
      var q = box.value.trim();
      var first = null;
      Array.prototype.forEach.call(sel.options, function (o) {
        var show = !o.value || !q || o.text.indexOf(q) >= 0;
        o.hidden = !show;
        o.disabled = !show && !!o.value;
        if (show && o.value && !first) first = o;
      });
      Array.prototype.forEach.call(sel.querySelectorAll("optgroup"), function (g) {
        g.hidden = !Array.prototype.some.call(g.children, function (o) { return !o.hidden; });
      });
      if (first && q && (sel.selectedIndex < 0 || sel.options[sel.selectedIndex].hidden)) {
        sel.value = first.value;
      }
    });
  });
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var btn = ev.submitter;
    var text = (btn && btn.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (!text || form.dataset.confirmed === "1") return;
    // A textarea or field the action needs must be filled before asking.
    if (typeof form.reportValidity === "function" && !form.reportValidity()) return;
    ev.preventDefault();
    ask(text, function () {
      form.dataset.confirmed = "1";
      if (btn && btn.name) {
        var h = document.createElement("input");
        h.type = "hidden";
        h.name = btn.name;
        h.value = btn.value;
        form.appendChild(h);
      }
      form.submit();
    });
  });
  document.addEventListener("click", function (ev) {
    var t = ev.target.closest ? ev.target.closest("[data-print],[data-apply]") : null;
    if (!t) return;
    if (t.hasAttribute("data-print")) {
      ev.preventDefault();
      window.print();
      return;
    }
    var field = document.getElementById(t.getAttribute("data-apply"));
    if (!field) return;
    ev.preventDefault();
    field.value = t.getAttribute("data-value");
    field.dispatchEvent(new Event("change", { bubbles: true }));
    field.focus();
  });
})();
