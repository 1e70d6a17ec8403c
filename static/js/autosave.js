// When an autosave is refused by the server (the entry was deleted, someone else saved first,
// the session ended) or never reaches it (the connection dropped), htmx swaps nothing; say so in
// the status line instead of leaving "saved" there while the person keeps typing. A refusal
// (400, or 409 when someone else was faster) carries its own message: show that one.
document.addEventListener("DOMContentLoaded", function () {
  function refusalMessage(xhr) {
    if (!xhr || (xhr.status !== 400 && xhr.status !== 409) || !xhr.responseText) {
      return "";
    }
    var fragment = new DOMParser().parseFromString(xhr.responseText, "text/html");
    return (fragment.body.textContent || "").trim();
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
