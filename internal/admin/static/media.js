// Octavo media: upload an image and insert its Markdown at the cursor.
//
// Any element with data-media-upload="TEXTAREA-ID" (the editor's
// textarea is id="body") becomes an upload button: clicking it opens a
// file picker, the chosen images are sent to POST /admin/media (the CSRF
// token is read from the page's hidden csrf field), and
// "![alt](/media/…)" is inserted at the textarea's cursor for each. The
// alt text is asked for first (a prompt prefilled from the file name).
// window.OctavoMedia.upload(file, textarea) does the same for a File, for
// drag-and-drop and paste handlers; window.OctavoMedia.attach(root) wires
// elements added to the page later. Errors are shown in the element with
// id "media-status" when there is one (role="status"), else alerted.
(function () {
  'use strict';
  function csrf() {
    var field = document.querySelector('input[name="csrf"]');
    return field ? field.value : '';
  }
  // say shows progress in #media-status when the page has one; an error
  // is alerted when it has none.
  function say(text, isError) {
    var status = document.getElementById('media-status');
    if (status) {
      status.textContent = text;
    } else if (text && isError) {
      window.alert(text);
    }
  }
  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd, value = textarea.value;
    var before = value.slice(0, start), after = value.slice(end);
    if (before && !/\n\n$/.test(before)) {
      text = (/\n$/.test(before) ? '\n' : '\n\n') + text;
    }
    // An image is a paragraph of its own: a blank line after it too.
    if (after && !/^\n\n/.test(after)) {
      text += /^\n/.test(after) ? '\n' : '\n\n';
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
      say(err.message, true);
      throw err;
    });
  }
  // attach wires the [data-media-upload] elements under root (once each).
  function attach(root) {
    (root || document).querySelectorAll('[data-media-upload]').forEach(wire);
  }
  function wire(button) {
    var textarea = document.getElementById(button.getAttribute('data-media-upload'));
    if (!textarea || !window.fetch || button.hasAttribute('data-media-ready')) {
      return;
    }
    button.setAttribute('data-media-ready', '');
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
  }
  window.OctavoMedia = { upload: upload, insertAtCursor: insertAtCursor, attach: attach };
  attach(document);
})();
