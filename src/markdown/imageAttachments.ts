// Images pasted or dropped into a note become Trilium image attachments of the note; the note links them the way
// Trilium does, `api/attachments/ATTACHMENTID/image/NAME`, which renders as `<figure class="image"><img src=…>`.
// Pure rules: the MIME type from the bytes, the attachment's name, and the text to insert.

const SIGNATURES: Array<{ mime: string; ext: string; test: (b: Uint8Array) => boolean }> = [
  { mime: 'image/png', ext: 'png', test: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
  { mime: 'image/jpeg', ext: 'jpg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/gif', ext: 'gif', test: (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 },
  { mime: 'image/webp', ext: 'webp', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP' },
  { mime: 'image/bmp', ext: 'bmp', test: (b) => b[0] === 0x42 && b[1] === 0x4d },
  { mime: 'image/x-icon', ext: 'ico', test: (b) => b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0 },
  { mime: 'image/avif', ext: 'avif', test: (b) => ascii(b, 4, 12) === 'ftypavif' },
  { mime: 'image/svg+xml', ext: 'svg', test: (b) => /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(ascii(b, 0, 512)) },
];

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, Math.min(to, b.length)));
}

/** The image type of the bytes, or undefined when they are not an image this knows. */
export function imageTypeOf(bytes: Uint8Array): { mime: string; ext: string } | undefined {
  const found = SIGNATURES.find((s) => s.test(bytes));
  return found && { mime: found.mime, ext: found.ext };
}

/** The attachment's title: the file's own name when it has one, else `image.EXT`; always with the type's extension. */
export function imageTitle(fileName: string | undefined, ext: string): string {
  const base = (fileName ?? '').split(/[\\/]/).pop()!.trim();
  if (!base) return `image.${ext}`;
  return /\.[A-Za-z0-9]+$/.test(base) ? base : `${base}.${ext}`;
}

/** The href Trilium gives an image attachment (the name is only for people; the server goes by the id). */
export function imageAttachmentHref(attachmentId: string, title: string): string {
  const name = title.replace(/[^A-Za-z0-9._-]+/g, '_') || 'image';
  return `api/attachments/${attachmentId}/image/${name}`;
}

/** What goes into the note: a Markdown image, or CKEditor's figure in an HTML note. */
export function imageInsertText(language: 'markdown' | 'html', title: string, href: string): string {
  if (language === 'html') return `<figure class="image"><img src="${href}" alt="${title.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></figure>`;
  const alt = title.replace(/\.[A-Za-z0-9]+$/, '').replace(/([\\[\]])/g, '\\$1');
  return `![${alt}](${href})`;
}
