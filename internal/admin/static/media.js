// Octavo media: upload an image and insert its Markdown at the cursor.
//
// Any element with data-media-upload="TEXTAREA-ID" (the editor's
// textarea is id="body") becomes an upload button: clicking it opens a
// file picker, the chosen images are sent to POST /admin/media (the CSRF
// token is read from the page's hidden csrf field), and
// "![alt](/media/…)" is inserted at the textarea's cursor for each. The
// alt text is asked for first (a prompt prefilled from the file name).
// window.OctavoMedia.upload(file, textarea) does the same for a File, for
// other scripts; window.OctavoMedia.attach(root) wires elements added to
// the page later. The button's textarea also takes images dropped on it
// or pasted into it. Progress and errors are shown in the element with
// id "media-status" when there is one (role="status"); without it errors
// are alerted.
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
      status.classList.toggle('error', !!isError);
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
      // The server answers JSON; a proxy in front of it may answer a page.
      return res.text().then(function (text) {
        var data = {};
        try { data = JSON.parse(text); } catch (e) { data = {}; }
        if (!res.ok || !data.files) {
          throw new Error(data.error || 'The upload failed (' + res.status + ' ' + res.statusText + ').');
        }
        return data.files;
      });
    }, function () {
      throw new Error('The upload failed: the server could not be reached.');
    }).then(function (files) {
      files.forEach(function (f) {
        var alt = window.prompt('Describe the image for people who cannot see it (alt text):', f.markdown.slice(2, f.markdown.indexOf('](')));
        alt = (alt === null ? '' : alt).replace(/[\[\]]/g, '');
        insertAtCursor(textarea, '![' + alt + '](' + f.url + ')');
      });
      say(files.length === 1 ? 'Inserted ' + files[0].name + '.' : 'Inserted ' + files.length + ' images.');
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
      uploadAll(input.files, textarea).then(function () { input.value = ''; });
    });
    // Images dropped on the text or pasted into it are uploaded too, and
    // their Markdown goes where the cursor is (for a drop: where it was).
    textarea.addEventListener('dragover', function (event) {
      if (hasFiles(event.dataTransfer)) {
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        textarea.classList.add('dropping');
      }
    });
    textarea.addEventListener('dragleave', function () { textarea.classList.remove('dropping'); });
    textarea.addEventListener('drop', function (event) {
      textarea.classList.remove('dropping');
      var files = images(event.dataTransfer);
      if (files.length) {
        event.preventDefault();
        uploadAll(files, textarea);
      } else if (hasFiles(event.dataTransfer)) {
        event.preventDefault();
        say('Only images can be dropped here: JPEG, PNG, GIF or WebP.', true);
      }
    });
    textarea.addEventListener('paste', function (event) {
      var files = images(event.clipboardData);
      if (files.length) {
        event.preventDefault(); // not the image's name as text
        uploadAll(files, textarea);
      }
    });
  }
  // uploadAll uploads files one after the other, stopping at the first
  // refusal (shown in the status line).
  function uploadAll(files, textarea) {
    return Array.prototype.reduce.call(files, function (chain, file) {
      return chain.then(function () { return upload(file, textarea); });
    }, Promise.resolve()).catch(function () {});
  }
  function hasFiles(dt) {
    return !!dt && Array.prototype.indexOf.call(dt.types || [], 'Files') >= 0;
  }
  // images are the image files a drop or a paste carries.
  function images(dt) {
    if (!dt || !dt.files) {
      return [];
    }
    return Array.prototype.filter.call(dt.files, function (f) { return /^image\//.test(f.type); });
  }
  window.OctavoMedia = { upload: upload, insertAtCursor: insertAtCursor, attach: attach };
  attach(document);
})();
