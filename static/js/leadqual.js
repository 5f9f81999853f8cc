// Keyboard use of the inbox: "/" search, j/k move between rows, Enter opens, x ticks.
(function () {
  "use strict";
  function rows() { return Array.from(document.querySelectorAll("table.inbox tbody tr[data-href]")); }
  function current() { return document.querySelector("table.inbox tr.focused"); }
  function move(step) {
    const all = rows();
    if (!all.length) return;
    let index = all.indexOf(current()) + step;
    index = Math.max(0, Math.min(all.length - 1, index));
    all.forEach((row) => row.classList.remove("focused"));
    all[index].classList.add("focused");
    all[index].querySelector("a.rowlink").focus();
  }
  document.addEventListener("keydown", function (event) {
    const tag = (event.target.tagName || "").toLowerCase();
    if (["input", "textarea", "select"].includes(tag) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/") {
      const search = document.querySelector("#filters input[type=search]");
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.key === "j") { move(1); }
    else if (event.key === "k") { move(-1); }
    else if (event.key === "x" && current()) {
      const box = current().querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.id === "select-all") {
      document.querySelectorAll("input[form=bulk][name=company]").forEach(
        (box) => { box.checked = event.target.checked; });
    }
  });
  // A bulk action changes many companies: ask before marking them fake.
  document.addEventListener("submit", function (event) {
    const button = event.submitter;
    if (button && button.form && button.form.id === "bulk") {
      const ticked = document.querySelectorAll("input[form=bulk][name=company]:checked").length;
      if (!ticked) { event.preventDefault(); alert(button.form.dataset.none); return; }
      if (button.value === "fake" && !confirm(button.dataset.confirm)) {
        event.preventDefault();
      }
    }
  });
})();
