// rempart workspace: keyboard navigation of the triage queue and live alerts.
// Texts from messages are only ever inserted as text (textContent), never as markup.
(function () {
  "use strict";
  function items() { return Array.prototype.slice.call(document.querySelectorAll("li.item")); }
  function current() { return document.querySelector("li.item.current"); }
  function move(step) {
    var all = items(); if (!all.length) { return; }
    var at = all.indexOf(current());
    var next = all[Math.min(all.length - 1, Math.max(0, at + step))];
    all.forEach(function (el) { el.classList.remove("current"); });
    next.classList.add("current"); next.focus();
  }
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target && ev.target.tagName) || "";
    if (ev.ctrlKey || ev.metaKey || ev.altKey || /INPUT|TEXTAREA|SELECT/.test(tag)) { return; }
    if (ev.key === "j") { move(1); ev.preventDefault(); }
    else if (ev.key === "k") { move(-1); ev.preventDefault(); }
    else if (ev.key === "r" || ev.key === "x") {
      var item = current() || (ev.target && ev.target.closest && ev.target.closest("li.item"));
      if (!item) { return; }
      if (ev.key === "r") { var b = item.querySelector("button.reveal"); if (b) { b.click(); } }
      else { var c = item.querySelector("input[type=checkbox]"); if (c) { c.checked = !c.checked; } }
      ev.preventDefault();
    }
  });
  document.addEventListener("click", function (ev) {
    var button = ev.target && ev.target.closest && ev.target.closest("button.hide-again");
    if (!button) { return; }
    var shown = button.closest(".revealed");
    var hidden = document.createElement("p");
    hidden.className = "blurred";
    hidden.textContent = button.getAttribute("data-hidden") || "";
    shown.replaceWith(hidden);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var list = document.getElementById("alerts");
    if (!list || !window.EventSource) { return; }
    var source = new EventSource(list.getAttribute("data-events"));
    function add(text) {
      if (list.firstElementChild && !list.firstElementChild.hasAttribute("data-alert")) { list.textContent = ""; }
      var li = document.createElement("li"); li.setAttribute("data-alert", "1"); li.textContent = text;
      list.insertBefore(li, list.firstChild);
    }
    source.addEventListener("counts", function (ev) {
      var data = JSON.parse(ev.data); var el = document.getElementById("count-messages");
      if (el) { el.textContent = String(data.messages); }
      add(new Date().toLocaleTimeString() + " — " + data.messages);
    });
    source.addEventListener("episode", function (ev) {
      var e = JSON.parse(ev.data);
      add(String(e.kind) + " " + String(e.start) + " → " + String(e.end) + " (" + String(e.messages) + ")");
    });
  });
})();
