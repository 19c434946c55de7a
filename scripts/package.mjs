#!/usr/bin/env node
// `npm run package`: the two packages of the extension, with @vscode/vsce.
//   universal  trilium-vscode-VERSION.vsix            no native code (node:sqlite); .vscodeignore
//   linux-x64  trilium-vscode-linux-x64-VERSION.vsix  also @vscode/sqlite3 as the fallback; .vscodeignore.linux-x64
// vsce runs vscode:prepublish (the production build) for each. Fails on any vsce warning.
//
//   node scripts/package.mjs [--out-dir DIR] [--target universal|linux-x64|all]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VSCE = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');

export const PACKAGES = {
  universal: { fileName: (v) => `trilium-vscode-${v}.vsix`, args: ['--no-dependencies', '--ignoreFile', '.vscodeignore', '--readme-path', 'MARKETPLACE.md'] },
  'linux-x64': {
    fileName: (v) => `trilium-vscode-linux-x64-${v}.vsix`,
    args: ['--target', 'linux-x64', '--dependencies', '--ignoreFile', '.vscodeignore.linux-x64', '--readme-path', 'MARKETPLACE.md'],
  },
};

/** Builds the packages named in `targets` into `outDir`; returns { target: path }. Throws on failure or warning. */
export function packageAll({ outDir = ROOT, targets = Object.keys(PACKAGES), quiet = false } = {}) {
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  fs.mkdirSync(outDir, { recursive: true });
  const written = {};
  for (const target of targets) {
    const spec = PACKAGES[target];
    if (!spec) throw new Error(`unknown package target ${target} (${Object.keys(PACKAGES).join(', ')})`);
    const out = path.join(outDir, spec.fileName(version));
    const result = spawnSync(process.execPath, [VSCE, 'package', ...spec.args, '--out', out], { cwd: ROOT, encoding: 'utf8' });
    const output = `${result.stdout}${result.stderr}`;
    if (!quiet || result.status !== 0) process.stdout.write(output);
    if (result.status !== 0 || !fs.existsSync(out)) throw new Error(`vsce package (${target}) failed (exit ${result.status})`);
    const warnings = output.split('\n').filter((line) => /^\s*(WARNING|warning)\b/.test(line));
    if (warnings.length > 0) throw new Error(`vsce package (${target}) warned:\n${warnings.join('\n')}`);
    const natives = listFiles(out).filter((file) => file.endsWith('.node'));
    if (target === 'universal' && natives.length > 0) throw new Error(`the universal package carries native code: ${natives.join(', ')}`);
    written[target] = out;
  }
  return written;
}

/** The files inside a .vsix (a zip), from its central directory. */
export function listFiles(vsix) {
  const zip = fs.readFileSync(vsix);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error(`${vsix} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  let outDir = ROOT;
  let targets = Object.keys(PACKAGES);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out-dir') outDir = path.resolve(argv[++i]);
    else if (argv[i] === '--target' && argv[i + 1] !== 'all') targets = [argv[++i]];
    else if (argv[i] === '--target') i++;
    else {
      console.error(`unknown argument ${argv[i]}`);
      process.exit(2);
    }
  }
  try {
    const written = packageAll({ outDir, targets });
    for (const [target, file] of Object.entries(written)) {
      const files = listFiles(file);
      console.log(`${target.padEnd(10)} ${path.relative(process.cwd(), file)}  ${(fs.statSync(file).size / 1e6).toFixed(2)} MB, ${files.length} files, ${files.filter((f) => f.endsWith('.node')).length} native`);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
