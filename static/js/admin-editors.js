// The admin's enhancements: the rich-text editor's toolbar in the admin's language, and
// names for the inputs of Django's own widgets that have none (end of the file).
//
// django-prose-editor 0.28 passes its dialogs through gettext but writes its toolbar
// tooltips ("bold") and heading menu ("Heading 2", "Paragraph") in English: they are
// translated here with the admin's JavaScript catalog (locale/*/djangojs.po), as they
// appear, new blocks included. Worth offering upstream: the same gettext around them.
const gettext = window.gettext ?? ((text) => text);
const gettext_noop = window.gettext_noop ?? ((text) => text);
const interpolate = window.interpolate ?? ((format, values) => format.replace("%s", values[0]));

// The editor's own labels (editor.js), written out for `makemessages -d djangojs`.
const LABELS = new Set([
  gettext_noop("bold"),
  gettext_noop("italic"),
  gettext_noop("underline"),
  gettext_noop("strike"),
  gettext_noop("subscript"),
  gettext_noop("superscript"),
  gettext_noop("paragraph"),
  gettext_noop("Paragraph"),
  gettext_noop("unordered list"),
  gettext_noop("ordered list"),
  gettext_noop("blockquote"),
  gettext_noop("horizontal rule"),
  gettext_noop("insert link"),
  gettext_noop("remove link"),
  gettext_noop("figure"),
  gettext_noop("Code"),
  gettext_noop("Code block"),
  gettext_noop("edit HTML"),
  gettext_noop("undo"),
  gettext_noop("redo"),
]);
// django-content-editor's "(Hide)" and "(Show)" on each block come from this catalog too.
gettext_noop("Hide");
gettext_noop("Show");
// "heading 2" on the buttons, "Heading 2" in the menu.
const HEADING = /^(heading|Heading) ([1-6])$/;

function translated(label) {
  const heading = HEADING.exec(label);
  if (heading) {
    const format = heading[1] === "Heading" ? gettext("Heading %s") : gettext("heading %s");
    return interpolate(format, [heading[2]]);
  }
  return LABELS.has(label) ? gettext(label) : label;
}

function translateToolbars() {
  for (const button of document.querySelectorAll(".prose-menubar__button[title]")) {
    const label = translated(button.title);
    if (label !== button.title) {
      button.title = label;
      button.setAttribute("aria-label", label);
    }
  }
  for (const option of document.querySelectorAll(".prose-menubar__option > *")) {
    const label = translated(option.textContent);
    if (label !== option.textContent) {
      option.textContent = label;
    }
  }
}

// Names for the inputs Django's admin widgets leave unnamed (axe: "label",
// "aria-input-field-name"): the date and time halves of a date-time field, and the
// select2 boxes of autocomplete fields and the rich-text editors, named after the
// field's own label.
function labelOf(field) {
  const label = field && document.querySelector(`label[for="${field.id}"]`);
  return label ? label.textContent.replace(/\s*:\s*$/, "").trim() : "";
}

function nameWidgets() {
  for (const input of document.querySelectorAll(".datetime input:not([aria-label])")) {
    const part = input.previousSibling?.textContent?.replace(/[\s:]+$/, "").trim();
    const field = document.querySelector(`label[for="${input.id.replace(/_[01]$/, "_0")}"]`);
    const name = field ? field.textContent.replace(/\s*:\s*$/, "").trim() : "";
    input.setAttribute("aria-label", [name, part].filter(Boolean).join(" – "));
  }
  for (const container of document.querySelectorAll(".select2-container")) {
    const name = labelOf(container.previousElementSibling);
    if (!name) continue;
    for (const element of container.querySelectorAll(
      ".select2-selection, .select2-selection__rendered, .select2-search__field",
    )) {
      if (!element.hasAttribute("aria-label")) element.setAttribute("aria-label", name);
    }
  }
  for (const editor of document.querySelectorAll(".tiptap:not([aria-label])")) {
    const name = labelOf(editor.closest(".prose-editor")?.querySelector("textarea"));
    if (name) editor.setAttribute("aria-label", name);
  }
  for (const header of document.querySelectorAll("th.original:empty")) {
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = gettext("Item");
    header.append(hidden);
  }
}

let scheduled = false;
function scheduleTranslation() {
  if (!scheduled) {
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      translateToolbars();
      nameWidgets();
    });
  }
}

if (window.gettext) {
  translateToolbars();
  nameWidgets();
  new MutationObserver(scheduleTranslation).observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["title"],
  });
}
