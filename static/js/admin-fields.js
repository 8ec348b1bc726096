// The admin's field enhancements, loaded by the forms of portfolio.core.admin_fields.
// A plain script (not a module): it must wrap Django's URLify before prepopulate.js calls it.
(function () {
  "use strict";

  // French slugs, as portfolio/core/slugs.py makes them: an apostrophe (' ’ ʼ) separates
  // words ("De l’Alsace" → "de-l-alsace"), where Django's URLify would glue them.
  // URLify's own downcode map folds the accents and the ligatures œ and æ.
  if (typeof window.URLify === "function") {
    const urlify = window.URLify;
    window.URLify = function (text, maxLength, allowUnicode) {
      return urlify(String(text).replace(/['\u2019\u02bc]/g, " "), maxLength, allowUnicode);
    };
  }

  // A counter beside each field whose length is limited (data-limit): the browser's
  // maxlength, which cuts a paste without a word, is removed by the server.
  function addCounter(field) {
    const limit = Number(field.dataset.limit);
    const template = field.dataset.limitText || "{count} / {limit}";
    const counter = document.createElement("span");
    counter.className = "field-limit";
    counter.id = `${field.id || field.name}-limit`;
    const describedBy = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", describedBy ? `${describedBy} ${counter.id}` : counter.id);
    // Shown from 80 % of the limit, or always where the limit matters (data-limit-shown).
    const always = field.hasAttribute("data-limit-shown");
    function update() {
      const count = field.value.length;
      counter.textContent = template.replace("{count}", count).replace("{limit}", limit);
      counter.classList.toggle("field-limit--over", count > limit);
      counter.hidden = !always && count < limit * 0.8;
    }
    field.addEventListener("input", update);
    field.insertAdjacentElement("afterend", counter);
    update();
  }

  function addCounters(root) {
    root.querySelectorAll("[data-limit]").forEach((field) => {
      // The inlines' empty template is cloned for each new block: counted once cloned.
      if (!field.name.includes("__prefix__")) addCounter(field);
    });
  }
  function start() {
    addCounters(document);
    document.addEventListener("formset:added", (event) => addCounters(event.target));
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
