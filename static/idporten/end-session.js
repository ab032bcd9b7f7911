// Sends the logout form to ID-porten at once; without JavaScript its button does the same.
// A POST, so that the ID token it carries never stands in an address bar, a history or a log.
document.querySelector("form[data-submit-at-once]")?.submit();
