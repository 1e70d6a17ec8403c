// A live word count under every textarea that has a word limit (data-word-limit).
// The server counts words the same way: runs of non-space characters.
(function () {
  "use strict";
  function countWords(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }
  function attach(area) {
    var limit = parseInt(area.dataset.wordLimit, 10);
    var counter = document.createElement("p");
    counter.className = "form-text word-count";
    counter.id = area.id + "-word-count";
    area.setAttribute("aria-describedby", ((area.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    area.insertAdjacentElement("afterend", counter);
    function update() {
      var words = countWords(area.value);
      counter.textContent = words + " / " + limit + " " + (area.form && area.form.dataset.wordsLabel || "words");
      counter.classList.toggle("text-danger", words > limit);
      counter.classList.toggle("fw-semibold", words > limit);
    }
    area.addEventListener("input", update);
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-word-limit]").forEach(attach);
  });
})();
