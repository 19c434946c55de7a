// The extension's packages for the harness: scripts/package.mjs (vsce, production build) into a directory.
//   universal  no native code, for VS Codes whose Node has node:sqlite
//   linux-x64  also carries @vscode/sqlite3, for VS Code 1.100 (Node 20)
// Each VS Code target names the package it installs (scripts/lib/vscode-targets.json, "package").
import path from 'node:path';
import { packageAll } from '../package.mjs';

/** Builds the packages `targets` need (each target's "package") into `outDir`; returns { packageName: path }. */
export function packageExtension(outDir, targets) {
  const names = [...new Set(targets.map((target) => target.package))];
  return packageAll({ outDir: path.resolve(outDir), targets: names, quiet: true });
}
