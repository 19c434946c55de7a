// A text note's content as safe HTML for a preview, with what it refers to read from the replica: its images as
// data: URIs, the notes it includes shown inside their sections. Used by the note preview (notePreview.ts) and by
// VS Code's Markdown preview (previewResources.ts).
import type { ReplicaApi } from '../storage/replicaApi';
import { imageTypeOf } from '../markdown/imageAttachments';
import { sanitizeNoteHtml } from './sanitize';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

const MAX_INLINE_IMAGE = 8 * 1024 * 1024;

/** The images as data: URIs, by `kind:id` (images larger than 8 MB and what is not an image are left out). */
export async function loadImages(replica: ReplicaApi, refs: Array<{ kind: 'note' | 'attachment'; id: string }>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const ref of refs) {
    const key = `${ref.kind}:${ref.id}`;
    if (out.has(key)) continue;
    let mime: string | undefined;
    let content: string | Buffer | null = null;
    if (ref.kind === 'note') {
      const note = await replica.getNote(ref.id);
      if (!note || note.isProtected) continue;
      mime = note.mime;
      content = await replica.getNoteContent(ref.id);
    } else {
      content = await replica.getAttachmentContent(ref.id);
      mime = 'image/*'; // the attachment's own type is read from its bytes below
    }
    if (content === null || !mime?.startsWith('image/')) continue;
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    if (mime === 'image/*') mime = imageTypeOf(bytes)?.mime ?? 'image/png';
    if (bytes.length <= MAX_INLINE_IMAGE) out.set(key, `data:${mime};base64,${bytes.toString('base64')}`);
  }
  return out;
}

/** Included notes inside included notes are shown down to this depth (and never a note inside itself). */
const MAX_INCLUDE_DEPTH = 3;

/** A text note's content made safe to show: its images inlined, the notes it includes shown inside it. */
export async function textNoteHtml(replica: ReplicaApi, noteId: string, including: ReadonlySet<string>): Promise<string> {
  const raw = await replica.getNoteContent(noteId);
  const html = raw === null ? '' : typeof raw === 'string' ? raw : raw.toString('utf8');
  const first = sanitizeNoteHtml(html, () => undefined);
  const images = await loadImages(replica, first.refs.images);
  const included = new Map<string, string>();
  for (const id of new Set(first.refs.includes)) {
    const shown = await includedNoteHtml(replica, id, including);
    if (shown !== undefined) included.set(id, shown);
  }
  return sanitizeNoteHtml(html, (ref) => images.get(`${ref.kind}:${ref.id}`), (id) => included.get(id)).html;
}

/** What an include-note section shows: the included note's title (a link to it) and, for a text note, its content. */
export async function includedNoteHtml(replica: ReplicaApi, noteId: string, including: ReadonlySet<string>): Promise<string | undefined> {
  if (including.has(noteId) || including.size > MAX_INCLUDE_DEPTH) return undefined;
  const note = await replica.getNote(noteId);
  if (!note || note.isDeleted) return undefined;
  const title = `<p class="include-note-title"><a href="#" data-note-id="${noteId}">${escapeHtml(note.title)}</a></p>`;
  if (note.isProtected) return `${title}<p><em>This note is protected.</em></p>`;
  if (note.type !== 'text') return title;
  return title + await textNoteHtml(replica, noteId, new Set([...including, noteId]));
}
