// Keep keyboard focus sensible after htmx swaps: an element marked
// data-focus-after-swap (e.g. a cell's Edit link after saving) takes focus.
// A file of our own rather than hx-on attributes, which the CSP forbids.
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.elt;
  const wanted = target.matches?.("[data-focus-after-swap]")
    ? target
    : target.querySelector?.("[data-focus-after-swap]");
  if (wanted) wanted.focus();
});
