// The formatted-text editor's link, with a choice of our own pages (publishing/richtext.py).
//
// django-prose-editor loads this module for the "OwnLink" extension. It is the editor's own Link with one
// change: the dialog lists our published pages (from the admin's own-pages.json), so an editor links to a
// programme or a person by choosing it, and types an address only for another site or an e-mail.
import { Link, updateAttrsDialog } from "django-prose-editor/editor";

const NO_PAGE = "(none: use the address below)";
const pagesByUrl = new Map();

function loadPages(url) {
  if (!pagesByUrl.has(url)) {
    const request = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { pages: [] }))
      .then((data) => data.pages)
      .catch(() => []);
    pagesByUrl.set(url, request);
  }
  return pagesByUrl.get(url);
}

async function editLink(editor, extension) {
  const pages = await loadPages(extension.options.pagesUrl);
  const urlOf = new Map(pages.map((page) => [page.label, page.url]));
  const current = editor.getAttributes(extension.name).href || "";
  const chosen = pages.find((page) => page.url === current);
  const fields = {
    page: { type: "string", title: "One of our pages", enum: [NO_PAGE, ...urlOf.keys()] },
    href: {
      type: "string",
      title: "Or the address of another site or an e-mail",
      description: " For example https://www.leadershipacademy.nhs.uk/ or mailto:name@example.ac.uk",
    },
  };
  const values = await updateAttrsDialog(fields, { title: "Link", submitText: "Save link" })(editor, {
    page: chosen ? chosen.label : NO_PAGE,
    href: current, // kept even where the browser does not preselect the page, so saving never drops the link
  });
  if (!values) return;
  const href = urlOf.get(values.page) || (values.href || "").trim();
  const chain = editor.chain().focus().extendMarkRange(extension.name);
  if (href) {
    chain.setMark(extension.name, { href }).run();
  } else {
    chain.unsetMark(extension.name).run();
  }
}

// A screen reader announces the editing area by its field's label ("Overview, edit text, multi-line"),
// as it announced the textarea the editor replaces.
function nameTheEditingArea(editor) {
  const area = editor.view.dom;
  const textarea = area.closest(".prose-editor")?.querySelector("textarea[id]");
  const label = textarea && document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`);
  if (label && !area.hasAttribute("aria-label")) {
    area.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
  }
  area.setAttribute("aria-multiline", "true");
  const help = textarea?.getAttribute("aria-describedby");
  if (help) area.setAttribute("aria-describedby", help);
}

export const OwnLink = Link.extend({
  onCreate() {
    this.parent?.();
    nameTheEditingArea(this.editor);
  },

  addOptions() {
    return { ...this.parent?.(), pagesUrl: "" };
  },

  addCommands() {
    return {
      ...this.parent?.(),
      addLink:
        () =>
        ({ editor }) => {
          editLink(editor, this);
          return true;
        },
    };
  },
});
