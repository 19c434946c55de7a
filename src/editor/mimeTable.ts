// Trilium note MIME types ↔ file extensions and VS Code language ids, so code notes open in their language.

interface MimeEntry {
  mime: string;
  ext: string;
  languageId: string;
}

// First entry for an extension is the MIME a new note with that extension gets.
const CODE_MIMES: MimeEntry[] = [
  { mime: 'text/plain', ext: 'txt', languageId: 'plaintext' },
  { mime: 'application/javascript;env=frontend', ext: 'js', languageId: 'javascript' },
  { mime: 'application/javascript;env=backend', ext: 'js', languageId: 'javascript' },
  { mime: 'application/javascript', ext: 'js', languageId: 'javascript' },
  { mime: 'text/javascript', ext: 'js', languageId: 'javascript' },
  { mime: 'application/x-javascript', ext: 'js', languageId: 'javascript' },
  { mime: 'text/jsx', ext: 'jsx', languageId: 'javascriptreact' },
  { mime: 'application/typescript', ext: 'ts', languageId: 'typescript' },
  { mime: 'text/x-typescript', ext: 'ts', languageId: 'typescript' },
  { mime: 'text/typescript-jsx', ext: 'tsx', languageId: 'typescriptreact' },
  { mime: 'application/json', ext: 'json', languageId: 'json' },
  { mime: 'text/x-python', ext: 'py', languageId: 'python' },
  { mime: 'text/x-sh', ext: 'sh', languageId: 'shellscript' },
  { mime: 'application/x-sh', ext: 'sh', languageId: 'shellscript' },
  { mime: 'text/x-powershell', ext: 'ps1', languageId: 'powershell' },
  { mime: 'text/css', ext: 'css', languageId: 'css' },
  { mime: 'text/x-scss', ext: 'scss', languageId: 'scss' },
  { mime: 'text/x-less', ext: 'less', languageId: 'less' },
  { mime: 'text/html', ext: 'html', languageId: 'html' },
  { mime: 'text/xml', ext: 'xml', languageId: 'xml' },
  { mime: 'application/xml', ext: 'xml', languageId: 'xml' },
  { mime: 'text/x-markdown', ext: 'md', languageId: 'markdown' },
  { mime: 'text/markdown', ext: 'md', languageId: 'markdown' },
  { mime: 'text/x-gfm', ext: 'md', languageId: 'markdown' },
  { mime: 'text/x-yaml', ext: 'yaml', languageId: 'yaml' },
  { mime: 'text/yaml', ext: 'yaml', languageId: 'yaml' },
  { mime: 'text/x-toml', ext: 'toml', languageId: 'toml' },
  { mime: 'text/x-ini', ext: 'ini', languageId: 'ini' },
  { mime: 'text/x-properties', ext: 'properties', languageId: 'properties' },
  { mime: 'text/x-sql', ext: 'sql', languageId: 'sql' },
  { mime: 'text/x-mysql', ext: 'sql', languageId: 'sql' },
  { mime: 'text/x-pgsql', ext: 'sql', languageId: 'sql' },
  { mime: 'text/x-sqlite;schema=trilium', ext: 'sql', languageId: 'sql' },
  { mime: 'text/x-csrc', ext: 'c', languageId: 'c' },
  { mime: 'text/x-c++src', ext: 'cpp', languageId: 'cpp' },
  { mime: 'text/x-csharp', ext: 'cs', languageId: 'csharp' },
  { mime: 'text/x-java', ext: 'java', languageId: 'java' },
  { mime: 'text/x-kotlin', ext: 'kt', languageId: 'kotlin' },
  { mime: 'text/x-go', ext: 'go', languageId: 'go' },
  { mime: 'text/x-rustsrc', ext: 'rs', languageId: 'rust' },
  { mime: 'text/x-swift', ext: 'swift', languageId: 'swift' },
  { mime: 'text/x-php', ext: 'php', languageId: 'php' },
  { mime: 'application/x-httpd-php', ext: 'php', languageId: 'php' },
  { mime: 'text/x-ruby', ext: 'rb', languageId: 'ruby' },
  { mime: 'text/x-perl', ext: 'pl', languageId: 'perl' },
  { mime: 'text/x-lua', ext: 'lua', languageId: 'lua' },
  { mime: 'text/x-rsrc', ext: 'r', languageId: 'r' },
  { mime: 'text/x-haskell', ext: 'hs', languageId: 'haskell' },
  { mime: 'text/x-scala', ext: 'scala', languageId: 'scala' },
  { mime: 'text/x-clojure', ext: 'clj', languageId: 'clojure' },
  { mime: 'text/x-groovy', ext: 'groovy', languageId: 'groovy' },
  { mime: 'text/x-dockerfile', ext: 'dockerfile', languageId: 'dockerfile' },
  { mime: 'text/x-diff', ext: 'diff', languageId: 'diff' },
  { mime: 'text/x-stex', ext: 'tex', languageId: 'latex' },
  { mime: 'text/x-latex', ext: 'tex', languageId: 'latex' },
  { mime: 'text/x-vb', ext: 'vb', languageId: 'vb' },
  { mime: 'text/x-nginx-conf', ext: 'conf', languageId: 'plaintext' },
  { mime: 'text/mermaid', ext: 'mmd', languageId: 'plaintext' },
  { mime: 'text/vnd.mermaid', ext: 'mmd', languageId: 'plaintext' },
];

const BINARY_MIMES: Record<string, string> = {
  'image/png': 'png', 'image/jpeg': 'jpg', 'image/jpg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp',
  'image/svg+xml': 'svg', 'image/bmp': 'bmp', 'image/x-icon': 'ico', 'image/vnd.microsoft.icon': 'ico',
  'application/pdf': 'pdf', 'application/zip': 'zip', 'audio/mpeg': 'mp3', 'audio/wav': 'wav', 'video/mp4': 'mp4',
  'text/csv': 'csv', 'text/plain': 'txt', 'application/octet-stream': 'bin',
};

const byMime = new Map(CODE_MIMES.map((e) => [e.mime.toLowerCase(), e]));

function normalizeMime(mime: string): string {
  return mime.toLowerCase().replace(/\s+/g, '');
}

/** Extension and language of a code note by its MIME; plain text when unknown. */
export function codeMimeInfo(mime: string): { ext: string; languageId: string } {
  const m = normalizeMime(mime);
  const exact = byMime.get(m) ?? byMime.get(m.split(';')[0]);
  return exact ? { ext: exact.ext, languageId: exact.languageId } : { ext: 'txt', languageId: 'plaintext' };
}

/** The MIME a new code note gets for a file extension (or language id). */
export function mimeForExtension(extOrLanguage: string): string | undefined {
  const x = extOrLanguage.toLowerCase();
  return CODE_MIMES.find((e) => e.ext === x || e.languageId === x)?.mime;
}

/** Languages offered when creating a code note. */
export function codeLanguageChoices(): Array<{ label: string; mime: string; ext: string }> {
  const seen = new Set<string>();
  const out: Array<{ label: string; mime: string; ext: string }> = [];
  for (const e of CODE_MIMES) {
    if (seen.has(e.languageId) || e.languageId === 'html') continue;
    seen.add(e.languageId);
    out.push({ label: e.languageId, mime: e.mime, ext: e.ext });
  }
  return out;
}

/** Extension for an image or file note: the title's own extension when it has one, otherwise by MIME. */
export function binaryExtension(title: string, mime: string): string {
  const own = /\.([A-Za-z0-9]{1,8})$/.exec(title);
  if (own) return own[1].toLowerCase();
  const m = normalizeMime(mime).split(';')[0];
  if (BINARY_MIMES[m]) return BINARY_MIMES[m];
  const sub = m.split('/')[1];
  return sub && /^[a-z0-9]{1,8}$/.test(sub) ? sub : 'bin';
}
