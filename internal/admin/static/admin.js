// Octavo admin: small conveniences on pages that work without them.
// Buttons with data-copy="ID" (hidden until this script shows them) copy
// the text of element ID; forms with data-confirm="QUESTION" ask first.
(function () {
  'use strict';
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source || !navigator.clipboard) {
      return;
    }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener('click', function () {
      var text = source.tagName === 'OL' || source.tagName === 'UL'
        ? Array.prototype.map.call(source.querySelectorAll('li'), function (li) { return li.textContent.trim(); }).join('\n')
        : source.textContent.trim();
      navigator.clipboard.writeText(text).then(function () {
        button.textContent = 'Copied';
        window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) {
        event.preventDefault();
      }
    });
  });
})();
