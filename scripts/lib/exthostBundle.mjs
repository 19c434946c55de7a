// Building what the extension-host layer loads: the extension (node esbuild.mjs) and the test bundle
// (test/exthost/index.ts + the selected *.test.ts files, CommonJS, inline source maps).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './codeServer.mjs';
import { findFiles } from './files.mjs';

export { ROOT };
export const EXTHOST_DIR = path.join(ROOT, 'test', 'exthost');

export function findExthostTests() {
  return findFiles(EXTHOST_DIR, (name) => name.endsWith('.test.ts'));
}

export function buildExtension() {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node esbuild.mjs failed:\n${result.stdout}${result.stderr}`);
  const warnings = (result.stdout + result.stderr).split('\n').filter((line) => /^warning:/.test(line));
  for (const line of warnings) process.stderr.write(`${line}\n`);
}

/**
 * Bundles index.ts and `files` into `outdir`, which must lie inside the repository so that the externals (mocha,
 * @vscode/sqlite3) resolve from its node_modules. Returns the bundled paths of `files`, in order.
 */
export async function bundleTests(files, outdir) {
  await esbuild.build({
    entryPoints: [path.join(EXTHOST_DIR, 'index.ts'), ...files],
    outbase: EXTHOST_DIR,
    outdir,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', '@vscode/sqlite3', 'mocha'],
    logLevel: 'warning',
  });
  return files.map((file) => path.join(outdir, path.relative(EXTHOST_DIR, file)).replace(/\.ts$/, '.js'));
}
