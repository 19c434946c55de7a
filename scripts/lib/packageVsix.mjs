// `npm run package -- --out FILE`: vsce runs vscode:prepublish (the production build) and writes the .vsix.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './codeServer.mjs';

export function packageExtension(outFile) {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const result = spawnSync('npm', ['run', '--silent', 'package', '--', '--out', outFile], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0 || !fs.existsSync(outFile)) {
    throw new Error(`npm run package failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return outFile;
}
