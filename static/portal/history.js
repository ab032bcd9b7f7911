// The history page (templates/loginhistory/overview.html): after a filter, a sort or a page
// link, the address ends in #results and the browser scrolls to the results without any
// script. It does not move the focus there, though, so a screen reader would start reading
// from the top of the page again: move it to the results' heading (tabindex="-1"). A filter
// with errors has no results; its error summary takes the focus instead, as Designsystemet
// advises.
const landing =
  document.querySelector(".ds-error-summary") ??
  (window.location.hash === "#results" ? document.getElementById("results") : null);
landing?.focus();
