// "Copy the details" (templates/_copyable_details.html): copies the text of the element a
// button names, the way a person would: select it, then give the browser's copy command. The
// Clipboard API is not an option: the site's Permissions-Policy denies clipboard-write
// (portal/headers.py), and the copy command needs no permission within a click. If the browser
// refuses anyway, the text stays selected and the status says how to copy it. Without
// JavaScript the button stays hidden and the text is there to select.
for (const button of document.querySelectorAll("button[data-copy-target]")) {
  const source = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById(button.dataset.copyStatus);
  if (!source || !status) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch {
      copied = false;
    }
    // Emptied first, so that a second click is announced again.
    status.textContent = "";
    window.setTimeout(() => {
      status.textContent = copied ? button.dataset.copied : button.dataset.selected;
    }, 100);
  });
}
