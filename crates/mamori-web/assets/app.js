// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form && el.form.submit());
  });
  document.querySelectorAll(".js-hide").forEach((el) => { el.hidden = true; });
  const nav = document.getElementById("nav-details");
  if (nav && window.matchMedia("(max-width: 760px)").matches) nav.removeAttribute("open");
});
document.addEventListener("click", (e) => {
  const t = e.target.closest("[data-print]");
  if (t) { e.preventDefault(); window.print(); }
});
