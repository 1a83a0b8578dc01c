// The pages work without this script; it only moves the keyboard focus where a person needs to
// read next after a form: the error summary, else the preview (GOV.UK "Error summary" pattern).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const target = document.querySelector(".error-summary") || document.querySelector("#preview");
  if (target) target.focus();
});
