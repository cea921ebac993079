/* Progressive enhancement only: every page works without this file.
 * - An error summary (a refused form) takes the focus, so that a screen reader and the eye
 *   land on it, and its links move the focus to the field they name (RGAA 11.10/11.11).
 * - A form that htmx brings into the page ([data-focus-first], the committee's decision in
 *   the grid) takes the focus on its first choice, where the link that fetched it was.
 */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
    summary.scrollIntoView({block: "start"});
    summary.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field && !field.matches("input, select, textarea, button")) {
      // A list of choices: its first choice (a fieldset, a list of radio buttons).
      field = field.querySelector("input, select, textarea") || field;
    }
    if (field) {
      event.preventDefault();
      for (var d = field.closest("details"); d; d = d.parentElement.closest("details")) {
        d.open = true;
      }
      field.scrollIntoView({block: "center"});
      field.focus();
    }
  });
  document.addEventListener("htmx:load", function (event) {
    var added = event.detail && event.detail.elt;
    if (!added || !added.matches || !added.matches("[data-focus-first]")) { return; }
    var first = added.querySelector("input:checked, input:not([type=hidden]), textarea");
    if (first) { first.focus(); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
