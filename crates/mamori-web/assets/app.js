// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form && el.form.submit());
  });
  document.querySelectorAll(".js-hide").forEach((el) => { el.hidden = true; });
  // A field that applies only for some choices of another (data-shown-when="kind=single,multiple") is
  // shown only then; without script every field is shown. A field with an error stays shown.
  document.querySelectorAll("[data-shown-when]").forEach((el) => {
    const [name, value] = el.dataset.shownWhen.split("=");
    const control = document.getElementById(`f-${name}`);
    if (!control) return;
    const values = value.split(",");
    const update = () => { el.hidden = !values.includes(control.value) && !el.classList.contains("invalid"); };
    control.addEventListener("change", update);
    update();
  });
  const nav = document.getElementById("nav-details");
  if (nav && window.matchMedia("(max-width: 760px)").matches) nav.removeAttribute("open");
});
document.addEventListener("click", (e) => {
  const t = e.target.closest("[data-print]");
  if (t) { e.preventDefault(); window.print(); }
});
