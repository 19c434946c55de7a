// Names shared by both directions of the Trilium Markdown dialect.

/** CKEditor's admonition kinds (`aside.admonition.<kind>`), written `> [!KIND]` like GitHub's alerts. */
export const ADMONITION_TYPES = ['note', 'tip', 'important', 'caution', 'warning'];

/** Info string of a fenced block that holds raw HTML kept exactly (the last-resort island). */
export const HTML_FENCE = 'trilium-html';

/**
 * Included notes (CKEditor's `section.include-note`) are written as an embed: Markdown's image syntax with a link to
 * the note, the way Obsidian writes an embedded note with Markdown links (`![Title](note)`), and our `{…}` attributes:
 * `![Title](#root/NOTEID){.include-note size=medium}`. The title is for the reader; the HTML keeps only the id and
 * the box size (small, medium, full or expandable).
 */
export const INCLUDE_CLASS = 'include-note';

export function includeMarkdown(escapedTitle: string, noteId: string, size: string | undefined): string {
  return `![${escapedTitle}](#root/${noteId}){.${INCLUDE_CLASS}${size === undefined ? '' : ` size=${size}`}}`;
}

export interface IncludedNote { noteId: string; size?: string }

const NOTE_PATH = /^#root(?:\/[A-Za-z0-9_]+)*\/([A-Za-z0-9_]+)$/;

/** The included note an image with these attributes stands for: `{.include-note}` and a link to a note, nothing else. */
export function includedNoteOf(src: string, attrs: ReadonlyArray<readonly [string, string]>): IncludedNote | undefined {
  const id = NOTE_PATH.exec(src)?.[1];
  if (id === undefined || !attrs.some(([k, v]) => k === 'class' && v === INCLUDE_CLASS)) return undefined;
  let size: string | undefined;
  for (const [k, v] of attrs) {
    if (k === 'size' && size === undefined && /^[\w-]+$/.test(v)) size = v;
    else if (!(k === 'class' && v === INCLUDE_CLASS)) return undefined;
  }
  return { noteId: id, size };
}
