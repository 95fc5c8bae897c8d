// A file of our own rather than hx-on attributes, which the CSP forbids.

// Keep keyboard focus sensible after htmx swaps, so that a keyboard or screen-reader
// user carries on where they were instead of starting again at the top of the page.
// htmx itself focuses an [autofocus] field of the new content, and leaves focus on a
// field outside the target (a filter being typed in). Beyond that:
// 1. an element marked data-focus-after-swap (e.g. a cell's Edit link after Save or
//    Cancel, a queue row's name after a decision, its first reason when it asks for
//    them) takes focus. Fragments use it rather than [autofocus], which the browser
//    may honour on insertion and htmx again on settle, taking focus back from a
//    field the person has already moved on to;
// 2. if the element that had focus was swapped away (a pagination link inside the
//    list it replaced), the new content of the request's target takes it, not an
//    out-of-band update such as the status message.
const focusWasInTarget = new WeakSet(); // of requests (their XMLHttpRequest)
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.target?.contains(document.activeElement)) {
    focusWasInTarget.add(event.detail.xhr);
  }
});
document.addEventListener("htmx:afterSettle", (event) => {
  const settled = event.detail.elt;
  const wanted = settled.matches?.("[data-focus-after-swap]")
    ? settled
    : settled.querySelector?.("[data-focus-after-swap]");
  if (wanted) {
    wanted.focus();
    return;
  }
  const lost = !document.activeElement || document.activeElement === document.body;
  if (
    lost &&
    focusWasInTarget.has(event.detail.xhr) &&
    settled.id &&
    settled.id === event.detail.target?.id
  ) {
    if (!settled.hasAttribute("tabindex")) settled.setAttribute("tabindex", "-1");
    settled.focus();
  }
});

// Links shown as buttons (role="button") answer Space as buttons do, not only Enter.
document.addEventListener("keydown", (event) => {
  if (event.key !== " " || event.defaultPrevented) return;
  if (!event.target.matches?.('a[role="button"][href]')) return;
  event.preventDefault();
  event.target.click();
});

// A request that fails says so on the page. htmx swaps nothing for an error response
// (base.html's responseHandling), so without this a failed Approve, a save that did
// not reach the server would look as if nothing happened.
function sayItFailed(text) {
  const status = document.getElementById("status");
  if (!status) return;
  const message = document.createElement("p");
  message.className = "message message-error";
  message.setAttribute("role", "alert");
  message.textContent = text;
  status.replaceChildren(message);
}
document.addEventListener("htmx:responseError", (event) => {
  const code = event.detail.xhr.status;
  sayItFailed(
    code === 503
      ? "The service is unavailable for a moment: nothing was changed. Try again in a minute."
      : `That did not go through (the server answered ${code}): nothing was changed. ` +
          "Reload the page and try again.",
  );
});
document.addEventListener("htmx:sendError", () => {
  sayItFailed(
    "The server could not be reached: nothing was changed. Check your connection and try again.",
  );
});

// Promises that hold only with JavaScript (a field that saves itself) show only with it,
// and their plain-form counterparts only without it.
for (const element of document.querySelectorAll("[data-js-only]")) element.hidden = false;
for (const element of document.querySelectorAll("[data-without-js]")) element.hidden = true;

// On a phone app.css shows a table whose cells carry data-label as one card per row,
// each cell under its column's name. Templates write data-label so this holds without
// JavaScript; a table that has none yet takes its labels from its header row here, and
// rows that htmx swaps in (a queue row after a decision) are labelled as they arrive.
function labelCells(table) {
  const head = table.tHead?.rows[table.tHead.rows.length - 1];
  if (!head) return;
  const names = [...head.cells].map((cell) => cell.textContent.trim().replace(/\s+/g, " "));
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      for (const cell of row.cells) {
        if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && names[cell.cellIndex]) {
          cell.dataset.label = names[cell.cellIndex];
        }
      }
    }
  }
}
function labelTablesIn(element) {
  const tables = [element.closest?.("table"), ...(element.querySelectorAll?.("table") ?? [])];
  for (const table of tables) if (table?.closest("main")) labelCells(table);
}
labelTablesIn(document.body);
document.addEventListener("htmx:load", (event) => labelTablesIn(event.target));

// A decision form marked data-asks-reasons wants a reason per competency only for a
// "not approve": those fields (data-reason-of="<the form's id>", on each competency's
// row) show once it is chosen. Without JavaScript they all show; with it, a refused
// "not approve" comes back chosen, so its reasons show again with what was typed.
function showReasonsOf(form) {
  const notApproving = form.querySelector('input[name="decision"][value="not_approve"]')?.checked;
  for (const element of document.querySelectorAll(`[data-reason-of="${form.id}"]`)) {
    element.hidden = !notApproving;
  }
}
for (const form of document.querySelectorAll("form[data-asks-reasons]")) {
  showReasonsOf(form);
  form.addEventListener("change", () => showReasonsOf(form));
}

// A people picker (the cycle form's calibrators): a person found and ticked moves to
// the chosen list, so that looking for the next name does not wash them away. Without
// JavaScript the ticked box is sent where it stands, and "Find" shows it as chosen.
document.addEventListener("change", (event) => {
  const box = event.target;
  const chosen = box.dataset?.pickInto && document.getElementById(box.dataset.pickInto);
  if (!chosen || !box.checked) return;
  chosen.querySelector("[data-placeholder]")?.remove();
  delete box.dataset.pickInto;
  chosen.append(box.closest("li"));
  box.focus();
});

// A form whose first button is not its main one (the picker's "Find" comes before
// "Open the cycle") names the main one in data-main-button: Enter in a field presses
// it. Enter in the picker's search only searches, which htmx does as one types.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.defaultPrevented || event.target.tagName !== "INPUT") return;
  if (event.target.type === "checkbox" || event.target.type === "radio") return;
  const form = event.target.closest("form[data-main-button]");
  if (!form) return;
  event.preventDefault();
  if (event.target.type !== "search") {
    form.requestSubmit(document.getElementById(form.dataset.mainButton));
  }
});
