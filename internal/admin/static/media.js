// Octavo media: upload an image and insert its Markdown at the cursor.
//
// Any element with data-media-upload="TEXTAREA-ID" (the editor's
// textarea is id="body") becomes an upload button: clicking it opens a
// file picker, the chosen images are sent to POST /admin/media (the CSRF
// token is read from the page's hidden csrf field), and
// "![alt](/media/…)" is inserted at the textarea's cursor for each. The
// alt text is asked for first (a prompt prefilled from the file name).
// window.OctavoMedia.upload(file, textarea) does the same for a File, for
// drag-and-drop and paste handlers. Errors are shown in the element with
// id "media-status" when there is one (role="status"), else alerted.
(function () {
  'use strict';
  function csrf() {
    var field = document.querySelector('input[name="csrf"]');
    return field ? field.value : '';
  }
  function say(text) {
    var status = document.getElementById('media-status');
    if (status) {
      status.textContent = text;
    } else if (text) {
      window.alert(text);
    }
  }
  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd, value = textarea.value;
    var before = value.slice(0, start), after = value.slice(end);
    if (before && !/\n\n$/.test(before)) {
      text = (/\n$/.test(before) ? '\n' : '\n\n') + text;
    }
    if (!/^\n/.test(after)) {
      text += '\n';
    }
    textarea.value = before + text + after;
    textarea.selectionStart = textarea.selectionEnd = before.length + text.length;
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
    textarea.focus();
  }
  function upload(file, textarea) {
    var form = new FormData();
    form.append('file', file, file.name || 'pasted-image');
    say('Uploading ' + (file.name || 'the image') + '…');
    return fetch('/admin/media', {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'X-CSRF-Token': csrf() }
    }).then(function (res) {
      return res.json().then(function (data) {
        if (!res.ok || !data.files) {
          throw new Error(data.error || 'The upload failed (' + res.status + ').');
        }
        return data.files;
      });
    }).then(function (files) {
      files.forEach(function (f) {
        var alt = window.prompt('Describe the image for people who cannot see it (alt text):', f.markdown.slice(2, f.markdown.indexOf('](')));
        alt = (alt === null ? '' : alt).replace(/[\[\]]/g, '');
        insertAtCursor(textarea, '![' + alt + '](' + f.url + ')');
      });
      say('');
      return files;
    }).catch(function (err) {
      say(err.message);
      throw err;
    });
  }
  window.OctavoMedia = { upload: upload, insertAtCursor: insertAtCursor };
  document.querySelectorAll('[data-media-upload]').forEach(function (button) {
    var textarea = document.getElementById(button.getAttribute('data-media-upload'));
    if (!textarea || !window.fetch) {
      return;
    }
    var input = document.createElement('input');
    input.type = 'file';
    input.accept = 'image/jpeg,image/png,image/gif,image/webp';
    input.multiple = true;
    input.hidden = true;
    button.after(input);
    button.hidden = false;
    button.addEventListener('click', function (event) {
      event.preventDefault();
      input.click();
    });
    input.addEventListener('change', function () {
      Array.prototype.reduce.call(input.files, function (chain, file) {
        return chain.then(function () { return upload(file, textarea); });
      }, Promise.resolve()).catch(function () {}).then(function () { input.value = ''; });
    });
  });
})();
