// The pages' behaviour: htmx for partial updates, plus a few accessible niceties.
// Everything is bundled from npm packages: no request leaves the host.
import htmx from "htmx.org";

window.htmx = htmx;
htmx.config.includeIndicatorStyles = false;
htmx.config.historyCacheSize = 0;

// Django's CSRF token travels with every htmx request (the token is in a <meta> tag).
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRFToken"] = meta.content;
  }
});

// After a partial update, move focus to the first error or to the swapped region, so
// keyboard and screen-reader users hear what changed.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  const error = target.querySelector("[aria-invalid='true'], [role='alert']");
  const focusable = error || target.querySelector("[data-focus-after-swap]");
  if (focusable) {
    if (!focusable.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(focusable.tagName)) {
      focusable.setAttribute("tabindex", "-1");
    }
    focusable.focus();
  }
});

// Buttons that change state ask first when they carry data-confirm (cancellation).
document.addEventListener("submit", (event) => {
  const submitter = event.submitter;
  const message = submitter && submitter.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
