// Names shared by both directions of the Trilium Markdown dialect.

/** CKEditor's admonition kinds (`aside.admonition.<kind>`), written `> [!KIND]` like GitHub's alerts. */
export const ADMONITION_TYPES = ['note', 'tip', 'important', 'caution', 'warning'];

/** Info string of a fenced block that holds raw HTML kept exactly (the last-resort island). */
export const HTML_FENCE = 'trilium-html';
