// Text notes are HTML; they open as Trilium Markdown (src/markdown): what Markdown cannot say stays as HTML
// islands, so the round trip is exact and every text note can open as Markdown.
import { markdownToNote, noteToMarkdown, renderMarkdown } from '../markdown/convert';
import { normalizeNoteHtml } from '../markdown/normalize';
import type { IncludeTitles } from '../markdown/toMarkdown';
export { includeTitles } from '../markdown/includeTitles';

/** `titles`: the titles of the notes it includes, shown in their embeds (includeTitles reads them). */
export function htmlToMarkdown(html: string, titles?: IncludeTitles): string {
  return noteToMarkdown(html, titles).markdown;
}

/**
 * Markdown → note HTML; given the HTML it was opened from (and the titles it was opened with), unchanged blocks keep
 * their stored HTML byte for byte.
 */
export function markdownToHtml(markdown: string, previousHtml?: string, titles?: IncludeTitles): string {
  return markdownToNote(markdown, previousHtml, titles);
}

/** Canonical form for comparing: differences here do not change what the note shows in CKEditor. */
export function normalizeHtml(html: string): string {
  return normalizeNoteHtml(html);
}

/** True when the note's Markdown renders back to the same note (the converter proves it; this re-checks). */
export function roundTripsAsMarkdown(html: string): boolean {
  try {
    return normalizeNoteHtml(renderMarkdown(htmlToMarkdown(html))) === normalizeNoteHtml(html);
  } catch {
    return false;
  }
}
