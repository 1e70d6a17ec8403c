// When an autosave is refused by the server (the entry was deleted, someone else saved first,
// the session ended) or never reaches it (the connection dropped), htmx swaps nothing; say so in
// the status line instead of leaving "saved" there while the person keeps typing. A refusal
// (400, or 409 when someone else was faster) carries its own message: show that one, as well
// as the one of a database out of reach for a moment (503: try again in a moment).
document.addEventListener("DOMContentLoaded", function () {
  function refusalMessage(xhr) {
    if (!xhr || [400, 409, 503].indexOf(xhr.status) === -1 || !xhr.responseText) {
      return "";
    }
    // Only the site's own status line: a proxy's error page is no message for the person.
    var fragment = new DOMParser().parseFromString(xhr.responseText, "text/html");
    var error = fragment.querySelector("span.text-danger");
    return error ? (error.textContent || "").trim() : "";
  }

  function showFailure(event) {
    var form = event.detail && event.detail.elt && event.detail.elt.closest("form[data-autosave-failed]");
    var status = document.getElementById("autosave-status");
    if (!form || !status) {
      return;
    }
    status.textContent = "";
    var message = document.createElement("span");
    message.className = "text-danger";
    message.textContent = refusalMessage(event.detail.xhr) || form.getAttribute("data-autosave-failed");
    status.appendChild(message);
  }
  document.body.addEventListener("htmx:responseError", showFailure);
  document.body.addEventListener("htmx:sendError", showFailure);
});
