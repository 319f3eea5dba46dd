// The derivation tables on a factor version's admin form (factordb/admin/derivation.py):
// "add a row" copies the table's blank row with the next free index. Without JavaScript the
// page still offers blank rows to fill and a delete box per row; saving shows more.
// The admin loads form media in the page's head: wait for the tables to exist.
(function () {
  "use strict";
  function wire() {
    document.querySelectorAll(".derivation-tables").forEach(function (box) {
      box.querySelectorAll("button.derivation-add").forEach(function (button) {
        var kind = button.dataset.add;
        var template = box.querySelector('template[data-row-for="' + kind + '"]');
        var body = box.querySelector('table[data-table="' + kind + '"] tbody');
        if (!template || !body) { return; }
        button.addEventListener("click", function () {
          var index = parseInt(button.dataset.next, 10);
          var html = template.innerHTML.replace(/__index__/g, String(index))
            .replace(/__number__/g, String(index + 1));
          body.insertAdjacentHTML("beforeend", html);
          button.dataset.next = String(index + 1);
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
}());
