// Runs `npm ci` when node_modules is missing, so that `npm start` and `npm test` work on a fresh clone.
// Only Node built-ins here: nothing else is installed yet when this runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  console.log('[deps] node_modules is missing: running npm ci (builds @vscode/sqlite3 from source, a few minutes)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
