/* Mur porteur — progressive enhancement of forms (issue 17). Every form works without it.
   - A page drawn in answer to a POST (a form refused, shown again) replaces its history
     entry with a GET of the same address: the back button never asks to resend a form.
   - Counters: a field with data-maxlength shows how many characters it holds and, past the
     limit, by how much (nothing is ever cut: the server says so at the field too).
   - Autosave: a form with data-autosave="KEY" keeps what is typed in this browser's
     localStorage as it is typed and puts it back after a closed tab, when it is newer than
     what the page shows (data-autosave-since, in ms); a saved draft (data-autosave-url) is
     also saved on the server as it is typed. Files, hidden fields and the robots' trap are
     never kept in the browser. [data-autosave-clear="KEY …"] forgets keys (a sent idea);
     a form with data-autosave-forget forgets them all when sent (leaving a shared computer).
   No inline script: the strict Content-Security-Policy allows only this file. */
(function () {
  "use strict";
  var PREFIX = "mp-idea:";
  var KEEP_MS = 7 * 24 * 3600 * 1000;
  var lang = document.documentElement.lang || "fr";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? values[name] : all;
    });
  }
  function number(n) { return n.toLocaleString(lang); }

  /* --- Back button after a POST --- */
  if (document.body && document.body.hasAttribute("data-posted") && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.href);
  }

  /* --- Counters --- */
  function count(field) {
    var max = parseInt(field.getAttribute("data-maxlength"), 10);
    var out = document.getElementById(field.id + "-count");
    if (!out || !max) { return; }
    var n = field.value.replace(/\r\n/g, "\n").trim().length;
    var over = n > max;
    out.textContent = fill(out.getAttribute(over ? "data-over" : "data-count"),
                           {n: number(n), max: number(max), over: number(n - max)});
    out.classList.toggle("char-count-over", over);
    if (over) { field.setAttribute("aria-invalid", "true"); }
  }
  var limited = document.querySelectorAll("[data-maxlength]");
  Array.prototype.forEach.call(limited, function (field) {
    field.addEventListener("input", function () { count(field); });
    if (field.value) { count(field); }
  });

  /* --- Autosave --- */
  var storage = null;
  try { storage = window.localStorage; storage.getItem(PREFIX); } catch (e) { storage = null; }

  function forget(keys) {
    if (!storage) { return; }
    keys.forEach(function (key) { if (key) { storage.removeItem(key); } });
  }
  function forgetAll() {
    if (!storage) { return; }
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (key && key.indexOf(PREFIX) === 0) { storage.removeItem(key); }
    }
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-autosave-clear]"), function (el) {
    forget(el.getAttribute("data-autosave-clear").split(/\s+/));
  });
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave-forget]"), function (f) {
    f.addEventListener("submit", forgetAll);
  });

  function kept(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      var type = (el.type || "").toLowerCase();
      return el.id && el.name && ["file", "hidden", "password", "submit", "button"].indexOf(type) < 0 &&
        !el.closest(".trap-field") && !el.readOnly;
    });
  }
  function snapshot(form) {
    var values = {};
    kept(form).forEach(function (el) {
      var type = (el.type || "").toLowerCase();
      values[el.id] = (type === "checkbox" || type === "radio") ? el.checked : el.value;
    });
    return values;
  }
  function differs(form, values) {
    return kept(form).some(function (el) {
      if (!(el.id in values)) { return false; }
      var type = (el.type || "").toLowerCase();
      return (type === "checkbox" || type === "radio") ? el.checked !== values[el.id]
                                                        : el.value !== values[el.id];
    });
  }
  function restore(form, values) {
    kept(form).forEach(function (el) {
      if (!(el.id in values)) { return; }
      var type = (el.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") { el.checked = !!values[el.id]; }
      else { el.value = values[el.id]; }
      if (el.hasAttribute("data-maxlength")) { count(el); }
    });
  }
  function clock(ms, withDate) {
    var d = new Date(ms);
    var time = d.toLocaleTimeString(lang, {hour: "2-digit", minute: "2-digit"});
    return withDate ? d.toLocaleDateString(lang, {day: "numeric", month: "long"}) + " " + time : time;
  }

  var form = document.querySelector("form[data-autosave]");
  if (!form || !storage) { return; }
  var key = form.getAttribute("data-autosave");
  var since = parseInt(form.getAttribute("data-autosave-since") || "0", 10);
  var status = document.getElementById("autosave-status");
  var restoredBox = document.getElementById("autosave-restored");

  var saved = null;
  try { saved = JSON.parse(storage.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved && (Date.now() - saved.t > KEEP_MS)) { forget([key]); saved = null; }
  if (saved && saved.t > since && saved.v && differs(form, saved.v)) {
    restore(form, saved.v);
    if (restoredBox) {
      restoredBox.textContent = fill(restoredBox.getAttribute("data-message"), {date: clock(saved.t, true)});
      restoredBox.hidden = false;
    }
  }
  var serverUrl = form.getAttribute("data-autosave-url");
  if (status) {
    status.textContent = status.getAttribute(serverUrl ? "data-server-idle" : "data-idle");
    status.hidden = false;
  }

  /* A draft kept on the server: its answers go there too as they are typed (no files). */
  var serverTimer = null;
  function saveOnServer() {
    serverTimer = null;
    if (!window.fetch || !window.FormData) { return; }
    var data = new FormData(form);
    data.delete("documents");
    window.fetch(serverUrl, {method: "POST", body: data, credentials: "same-origin"})
      .then(function (response) {
        if (response.status === 204 && status) {
          status.textContent = fill(status.getAttribute("data-server-saved"), {time: clock(Date.now(), false)});
        }
      })
      .catch(function () { /* offline: this browser's copy remains */ });
  }
  function serverLater() {
    if (!serverUrl) { return; }
    if (serverTimer) { window.clearTimeout(serverTimer); }
    serverTimer = window.setTimeout(saveOnServer, 2000);
  }

  var timer = null;
  function save() {
    timer = null;
    var now = Date.now();
    try {
      storage.setItem(key, JSON.stringify({t: now, v: snapshot(form)}));
      if (status && !serverUrl) { status.textContent = fill(status.getAttribute("data-saved"), {time: clock(now, false)}); }
    } catch (e) { /* full or refused: the server's draft remains */ }
  }
  function later() { if (timer) { window.clearTimeout(timer); } timer = window.setTimeout(save, 400); }
  var sending = false;
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("input", serverLater);
  form.addEventListener("change", serverLater);
  // Sent: kept as it leaves, so that the page the server answers with (newer) wins.
  form.addEventListener("submit", function () {
    if (timer) { window.clearTimeout(timer); }
    if (serverTimer) { window.clearTimeout(serverTimer); serverTimer = null; }
    save();
    sending = true;
  });
  window.addEventListener("pagehide", function () {
    if (timer && !sending) { window.clearTimeout(timer); save(); }
  });
}());
