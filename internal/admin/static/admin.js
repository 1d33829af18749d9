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

// The editor (form#editor): a live preview of the text (POST to
// data-preview, rendered by the public pages' pipeline), autosave of
// drafts 10 seconds (data-autosave-delay ms) after the last change (POST
// to data-autosave, with the version check), a warning before leaving with unsaved changes, and
// Ctrl+S / Cmd+S to save. Without this script the Preview and Save
// buttons do the same.
(function () {
  'use strict';
  var form = document.getElementById('editor');
  if (!form) {
    return;
  }
  var field = function (name) { return form.querySelector('[name="' + name + '"]'); };
  var csrf = field('csrf').value;
  var preview = document.getElementById('preview');
  var state = document.getElementById('save-state');
  var saveButton = form.querySelector('button[value="save"]');
  var changes = 0; // edits since the page loaded
  var saved = 0; // the edit count the last save included
  var previewSeq = 0;
  var previewTimer = null;
  var autosaveTimer = null;
  var autosaving = false;
  var autosaveURL = form.getAttribute('data-autosave');

  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body
    });
  }

  function refreshPreview() {
    var seq = ++previewSeq;
    var body = new URLSearchParams();
    body.set('body', field('body').value);
    body.set('excerpt', field('excerpt').value);
    body.set('format', field('format').value);
    post(form.getAttribute('data-preview'), body).then(function (res) {
      return res.text().then(function (text) { return { ok: res.ok, text: text }; });
    }).then(function (r) {
      if (seq !== previewSeq) {
        return; // a newer preview is on its way
      }
      if (r.ok) {
        preview.innerHTML = r.text;
      } else {
        preview.textContent = r.text;
      }
    }).catch(function () {});
  }

  function autosave() {
    if (!autosaveURL || autosaving || saved === changes) {
      return;
    }
    if (!field('title').value.trim()) {
      state.textContent = 'Give it a title to save the draft automatically.';
      return;
    }
    autosaving = true;
    var upTo = changes;
    post(autosaveURL, new URLSearchParams(new FormData(form))).then(function (res) {
      return res.json().then(function (answer) { return { ok: res.ok, answer: answer }; });
    }).then(function (r) {
      autosaving = false;
      if (!r.ok) {
        state.textContent = 'Not saved automatically: ' + (r.answer.error || 'the server refused.');
        autosaveURL = null; // a conflict or a refusal: the writer decides
        return;
      }
      saved = upTo;
      field('version').value = r.answer.version;
      if (!field('post_id').value) {
        field('post_id').value = r.answer.id;
        form.setAttribute('action', r.answer.url);
        window.history.replaceState(null, '', r.answer.url);
      }
      state.textContent = 'Draft saved at ' + r.answer.saved + '.';
    }).catch(function () {
      autosaving = false;
      state.textContent = 'Not saved automatically: the server could not be reached.';
    });
  }

  form.addEventListener('input', function (event) {
    changes++;
    if (event.target === field('body') || event.target === field('excerpt')) {
      window.clearTimeout(previewTimer);
      previewTimer = window.setTimeout(refreshPreview, 300);
    }
    if (autosaveURL) {
      window.clearTimeout(autosaveTimer);
      autosaveTimer = window.setTimeout(autosave, Number(form.getAttribute('data-autosave-delay')) || 10000);
    }
  });
  form.addEventListener('submit', function () {
    saved = changes; // leaving through Save or Preview loses nothing
    window.clearTimeout(autosaveTimer);
  });
  window.addEventListener('beforeunload', function (event) {
    if (saved !== changes) {
      event.preventDefault();
      event.returnValue = '';
    }
  });
  document.addEventListener('keydown', function (event) {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
      event.preventDefault();
      if (form.requestSubmit) {
        form.requestSubmit(saveButton);
      } else {
        saveButton.click();
      }
    }
  });
})();
