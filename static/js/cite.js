// The "copy" button of a factor page's citation: shown only when the browser can copy;
// without JavaScript the text stays in a readonly textarea anyone can select.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    if (!field || !navigator.clipboard) continue;
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", () => {
      field.select();
      navigator.clipboard.writeText(field.value).then(() => {
        button.textContent = button.dataset.copied;
        setTimeout(() => { button.textContent = label; }, 2000);
      });
    });
  }
});
