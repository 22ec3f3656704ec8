// GOV.UK Frontend's components, and a print button (pages work without this script).
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported", "js-enabled");
initAll();
for (const button of document.querySelectorAll(".app-print")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
