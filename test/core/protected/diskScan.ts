// Searches every file under a folder, byte by byte, for plaintext markers.
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

export function markersOnDisk(dir: string, markers: string[]): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const bytes = readFileSync(p);
        for (const m of markers) if (bytes.includes(Buffer.from(m, 'utf8'))) found.push(`${m} in ${p}`);
      }
    }
  };
  walk(dir);
  return found;
}

/** Writes to a replica file behind its back, with a separate SQLite connection (as a damaged file or Trilium would). */
/** Writes behind the replica's back through the same SQLite library (two SQLite builds in one process must not share a file). */
export { rawRun } from '../storage/helpers';
