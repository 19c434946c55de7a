// What opening and saving a text note convert, the same on the host's thread and in the conversion worker.
import { markdownToNote, noteToMarkdown } from '../convert';
import type { IncludeTitles } from '../toMarkdown';

/** The Markdown a note opens as. */
export function noteMarkdown(html: string, titles: IncludeTitles): string {
  return noteToMarkdown(html, titles).markdown;
}

/**
 * The HTML to store when `markdown` is saved over the note's `previousHtml`; undefined when the Markdown is the
 * note's own, so the stored HTML stays byte for byte.
 */
export function noteHtmlToStore(markdown: string, previousHtml: string, titles: IncludeTitles): string | undefined {
  if (noteToMarkdown(previousHtml, titles).markdown === markdown) return undefined;
  return markdownToNote(markdown, previousHtml, titles);
}
