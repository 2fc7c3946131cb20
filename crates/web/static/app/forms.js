// How every signing form behaves: validate, disable the button while the
// record is signed and submitted, show the log's refusal in the form as it
// is given, and on success re-render the view with a confirmation.
import { t } from "./i18n.js";
import { html, fill, fillAfter } from "./html.js";

/** Runs `handler(form)` on submit; its receipt (a logged record) re-renders the view. */
export function onSubmit(form, handler) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!form.checkValidity()) return form.reportValidity();
    const button = form.querySelector("button[type=submit], button");
    button.disabled = true;
    try {
      const receipt = await handler(form);
      if (receipt?.index !== undefined) sessionStorage.setItem("truce.flash", t("actions.recorded", { index: receipt.index }));
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    } catch (error) {
      fill(form.querySelector(".action-error"), html`<div class="notice error" dir="auto">${error.message}</div>`);
      button.disabled = false;
    }
  });
}

/** The confirmation left by the last action, under the page's header. */
export function showConfirmation(main) {
  const message = sessionStorage.getItem("truce.flash");
  if (!message) return;
  sessionStorage.removeItem("truce.flash");
  const header = main.querySelector(".page-header");
  if (header) fillAfter(header, html`<div class="notice success" role="status">${message}</div>`);
}
