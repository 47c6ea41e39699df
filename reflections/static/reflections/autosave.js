/* Autosave for reflection forms: a few seconds after typing stops, post the form to the
   autosave endpoint. The page works without this file ("Concept opslaan"). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var status = document.getElementById("autosave-status");
  var timer = null;
  var dirty = false;
  var busy = false;
  var DELAY = 2000;

  function show(text) {
    if (status) {
      status.textContent = text || "";
    }
  }

  function save() {
    timer = null;
    if (!dirty || busy) {
      return;
    }
    dirty = false;
    busy = true;
    fetch(form.getAttribute("data-autosave-url"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {"X-Requested-With": "fetch", "Accept": "application/json"}
    }).then(function (response) {
      return response.json();
    }).then(function (body) {
      show(body.message);
      form.setAttribute("data-autosaved", body.saved ? "yes" : "no");
    }).catch(function () {
      dirty = true;
      show(form.getAttribute("data-autosave-failed"));
    }).then(function () {
      busy = false;
      if (dirty && !timer) {
        timer = window.setTimeout(save, DELAY);
      }
    });
  }

  function changed() {
    dirty = true;
    form.setAttribute("data-autosaved", "pending");
    if (timer) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(save, DELAY);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.setAttribute("data-autosave-ready", "");
  form.addEventListener("submit", function () {
    if (timer) {
      window.clearTimeout(timer);
    }
    dirty = false;
  });
}());
