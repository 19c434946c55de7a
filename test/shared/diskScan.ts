// Searches every file under a folder, byte by byte, for plaintext markers: as UTF-8, and as UTF-16LE (how a
// browser's IndexedDB or VS Code's state database may keep strings). Files that vanish while it looks are skipped.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** One `"<marker> in <file>"` line per marker found in a file under `dir`. */
export function markersOnDisk(dir: string, markers: string[]): string[] {
  const needles = markers.map((m) => ({ m, bytes: [Buffer.from(m, 'utf8'), Buffer.from(m, 'utf16le')] }));
  const found: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try { names = readdirSync(d); } catch { return; }
    for (const name of names) {
      const p = path.join(d, name);
      let st;
      try { st = statSync(p); } catch { continue; }
      if (st.isDirectory()) { walk(p); continue; }
      if (!st.isFile() || st.size > MAX_FILE_BYTES) continue;
      let bytes: Buffer;
      try { bytes = readFileSync(p); } catch { continue; }
      for (const n of needles) if (n.bytes.some((b) => bytes.includes(b))) found.push(`${n.m} in ${p}`);
    }
  };
  walk(dir);
  return found;
}

/** The files under `dir` that hold any of `markers`. */
export function filesWithMarkers(dir: string, markers: string[]): string[] {
  return [...new Set(markersOnDisk(dir, markers).map((line) => line.slice(line.indexOf(' in ') + 4)))];
}
