/* The check page answers 429 (too many lookups) with the same friendly message as its
   other answers: show it in place, as htmx would a 200 (htmx does not swap 4xx by default). */
document.addEventListener("htmx:beforeSwap", function (event) {
  var detail = event.detail;
  if (detail.xhr && detail.xhr.status === 429 && detail.target && detail.target.id === "check-result") {
    detail.shouldSwap = true;
    detail.isError = false;
  }
});
