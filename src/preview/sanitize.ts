// Note HTML → HTML safe to show in the preview webview: an allow-list of elements and attributes, no scripts,
// no event handlers, no remote or javascript: URLs. Internal links, images and included notes are rewritten for the
// extension to resolve from the replica.
import { createDocument, type DomElement } from '@mixmark-io/domino';

const ALLOWED_TAGS = new Set([
  'a', 'abbr', 'aside', 'b', 'blockquote', 'br', 'caption', 'code', 'col', 'colgroup', 'del', 'details', 'div', 'em', 'figcaption',
  'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 's', 'section', 'small',
  'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul', 'input', 'label',
]);
const DROP_WITH_CONTENT = new Set(['script', 'style', 'iframe', 'object', 'embed', 'noscript', 'template', 'link', 'meta', 'base', 'form', 'svg', 'math']);
const ALLOWED_ATTRS = new Set(['href', 'src', 'alt', 'title', 'class', 'colspan', 'rowspan', 'width', 'height', 'type', 'checked', 'disabled', 'start', 'open']);

/** References to other notes or attachments found in the content, for the caller to resolve. */
export interface ContentRefs {
  noteLinks: Set<string>;
  images: Array<{ kind: 'note' | 'attachment'; id: string }>;
  /** Notes included with CKEditor's include-note widget (`section.include-note[data-note-id]`). */
  includes: string[];
}

/** `#root/a/b/noteId` or `#noteId` → noteId. */
export function noteIdFromHref(href: string): string | null {
  const m = /^#(?:root\/)?(?:[A-Za-z0-9_]+\/)*([A-Za-z0-9_]+)(?:\?.*)?$/.exec(href);
  return m ? m[1] : null;
}

/** api/images/<noteId>/name, api/attachments/<attachmentId>/image/name → the entity to read. */
export function imageRef(src: string): { kind: 'note' | 'attachment'; id: string } | null {
  const note = /^\/?api\/images\/([A-Za-z0-9_]+)\//.exec(src);
  if (note) return { kind: 'note', id: note[1] };
  const att = /^\/?api\/attachments\/([A-Za-z0-9_]+)\/image\//.exec(src);
  if (att) return { kind: 'attachment', id: att[1] };
  return null;
}

const FOOTNOTE_ANCHOR = /^fn(?:ref)?[\w-]+$/;

/** Inside CKEditor's footnote markup (a reference or a footnote's back link): its `#fn…` links stay in the page. */
function inFootnote(el: DomElement): boolean {
  for (let p: DomElement | null = el.parentElement; p; p = p.parentElement) {
    const cls = ` ${p.getAttribute('class') ?? ''} `;
    if (cls.includes(' footnote-reference ') || cls.includes(' footnote-back-link ')) return true;
  }
  return false;
}

const NOTE_ID = /^[A-Za-z0-9_]+$/;

/**
 * `resolveInclude` gives the HTML to show inside an included note's section (already safe: it is not sanitized
 * again here); without it, or when it gives nothing, the section keeps its own (sanitized) content.
 */
export function sanitizeNoteHtml(
  html: string,
  resolveImage: (ref: { kind: 'note' | 'attachment'; id: string }) => string | undefined,
  resolveInclude: (noteId: string) => string | undefined = () => undefined,
): { html: string; refs: ContentRefs } {
  const doc = createDocument(`<div id="trilium-root">${html}</div>`);
  const root = doc.getElementById('trilium-root')!;
  const refs: ContentRefs = { noteLinks: new Set(), images: [], includes: [] };
  const walk = (el: DomElement): void => {
    for (const child of Array.from(el.children)) {
      const tag = child.tagName.toLowerCase();
      if (DROP_WITH_CONTENT.has(tag)) {
        child.remove();
        continue;
      }
      walk(child);
      if (!ALLOWED_TAGS.has(tag) || (tag === 'input' && child.getAttribute('type') !== 'checkbox')) {
        child.replaceWith(...Array.from(child.childNodes));
        continue;
      }
      const footnoteAnchor = child.getAttribute('id') ?? '';
      const includedNoteId = tag === 'section' && /\binclude-note\b/.test(child.getAttribute('class') ?? '') ? child.getAttribute('data-note-id') ?? '' : '';
      for (const attr of Array.from(child.attributes)) {
        if (!ALLOWED_ATTRS.has(attr.name.toLowerCase())) child.removeAttribute(attr.name);
      }
      if (/\bfootnote-(?:reference|item)\b/.test(child.getAttribute('class') ?? '') && FOOTNOTE_ANCHOR.test(footnoteAnchor)) child.setAttribute('id', footnoteAnchor);
      if (tag === 'input') child.setAttribute('disabled', '');
      if (NOTE_ID.test(includedNoteId)) {
        refs.includes.push(includedNoteId);
        const included = resolveInclude(includedNoteId);
        if (included !== undefined) child.innerHTML = included;
      }
      if (tag === 'a') {
        const href = child.getAttribute('href') ?? '';
        const noteId = noteIdFromHref(href);
        if (FOOTNOTE_ANCHOR.test(href.slice(1)) && href.startsWith('#') && inFootnote(child)) {
          // a footnote's number or back link: an anchor in this page
        } else if (noteId) {
          refs.noteLinks.add(noteId);
          child.setAttribute('href', '#');
          child.setAttribute('data-note-id', noteId);
        } else if (!/^(https?:|mailto:)/i.test(href)) {
          child.removeAttribute('href');
        }
      }
      if (tag === 'img') {
        const ref = imageRef(child.getAttribute('src') ?? '');
        const resolved = ref ? resolveImage(ref) : undefined;
        if (ref) refs.images.push(ref);
        if (resolved) child.setAttribute('src', resolved);
        else child.removeAttribute('src'); // remote images are not loaded (CSP forbids them too)
      }
    }
  };
  walk(root);
  return { html: root.innerHTML, refs };
}
