// Turns stored note or revision content into the text a read-only document shows, in the same form the
// `trilium:` editor uses for the note (Markdown for text notes whose HTML round-trips, else HTML or code),
// so that a diff of a revision against the current note compares like with like. Pure: no vscode import.
import { htmlToMarkdown, roundTripsAsMarkdown } from '../editor/htmlMarkdown';
import { noteExtension } from '../editor/noteUri';
import type { IncludeTitles } from '../markdown/toMarkdown';
import type { NoteRow } from '../storage/types';

export function contentToString(content: string | Buffer | null): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.toString('utf8');
}

function isBinaryType(type: string): boolean {
  return type === 'image' || type === 'file';
}

/** The extension the note's current content opens with in the `trilium:` editor. */
export function currentNoteExtension(note: Pick<NoteRow, 'type' | 'mime' | 'title'>, content: string | Buffer | null): string {
  const asMarkdown = note.type === 'text' && roundTripsAsMarkdown(contentToString(content));
  return noteExtension(note, asMarkdown);
}

/** The text of stored content presented for a document with extension `ext` (`titles`: its embeds' titles). */
export function presentContent(type: string, ext: string, content: string | Buffer | null, titles?: IncludeTitles): string {
  if (isBinaryType(type)) {
    const size = content === null ? 0 : typeof content === 'string' ? Buffer.byteLength(content) : content.length;
    return `(binary content, ${size} bytes)\n`;
  }
  const text = contentToString(content);
  if (type === 'text' && ext === 'md') return htmlToMarkdown(text, titles);
  return text;
}
