// Small file-system helpers shared by the scripts.
import fs from 'node:fs';
import path from 'node:path';

/** All files under `dir` (recursively, sorted) whose name passes `accept`. */
export function findFiles(dir, accept) {
  if (!fs.existsSync(dir)) return [];
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(full, accept));
    else if (accept(entry.name)) found.push(full);
  }
  return found.sort();
}
