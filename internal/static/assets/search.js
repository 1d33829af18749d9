// The search page of a static build of an Octavo blog: it reads
// /search/index.json (title, tags and summary of every post and page) and
// lists what matches every word of ?q=, title matches first, newest first.
(function () {
  "use strict";
  var out = document.getElementById("octavo-search");
  var q = (new URLSearchParams(location.search).get("q") || "").trim();
  if (!out || !q) return;
  var input = document.querySelector('input[name="q"]');
  if (input) input.value = q;
  var norm = function (s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  var terms = norm(q).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (!terms.length) return;
  var say = function (text) {
    var p = document.createElement("p");
    p.className = "search-count";
    p.setAttribute("role", "status");
    p.textContent = text;
    out.replaceChildren(p);
    return p;
  };
  say("Searching…");
  fetch("/search/index.json")
    .then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    })
    .then(function (index) {
      var hits = [];
      index.forEach(function (e) {
        var title = norm(e.t), rest = norm((e.g || []).join(" ") + " " + e.s);
        var inTitle = 0;
        for (var i = 0; i < terms.length; i++) {
          var a = title.indexOf(terms[i]) >= 0;
          if (a) inTitle++;
          else if (rest.indexOf(terms[i]) < 0) return;
        }
        hits.push({ e: e, rank: inTitle === terms.length ? 0 : inTitle > 0 ? 1 : 2 });
      });
      hits.sort(function (a, b) {
        return a.rank - b.rank || (a.e.d < b.e.d ? 1 : a.e.d > b.e.d ? -1 : 0);
      });
      say(hits.length === 1 ? "1 post matches." : hits.length + " posts match.");
      if (!hits.length) return;
      var ol = document.createElement("ol");
      ol.className = "search-results";
      hits.slice(0, 100).forEach(function (h) {
        var li = document.createElement("li");
        var h2 = document.createElement("h2");
        var a = document.createElement("a");
        a.href = h.e.u;
        a.textContent = h.e.t;
        h2.appendChild(a);
        li.appendChild(h2);
        if (h.e.d) {
          var meta = document.createElement("p");
          meta.className = "meta";
          var time = document.createElement("time");
          time.dateTime = h.e.d;
          time.textContent = h.e.d;
          meta.appendChild(time);
          li.appendChild(meta);
        }
        if (h.e.s) {
          var s = document.createElement("p");
          s.className = "snippet";
          s.textContent = h.e.s;
          li.appendChild(s);
        }
        ol.appendChild(li);
      });
      out.appendChild(ol);
    })
    .catch(function () {
      say("The search index could not be read.");
    });
})();
