// When an autosave is refused by the server (the entry was deleted, the session ended) or never
// reaches it (the connection dropped), htmx swaps nothing; say so in the status line instead of
// leaving "saved" there while the person keeps typing.
document.addEventListener("DOMContentLoaded", function () {
  function showFailure(event) {
    var form = event.detail && event.detail.elt && event.detail.elt.closest("form[data-autosave-failed]");
    var status = document.getElementById("autosave-status");
    if (!form || !status) {
      return;
    }
    status.textContent = "";
    var message = document.createElement("span");
    message.className = "text-danger";
    message.textContent = form.getAttribute("data-autosave-failed");
    status.appendChild(message);
  }
  document.body.addEventListener("htmx:responseError", showFailure);
  document.body.addEventListener("htmx:sendError", showFailure);
});
