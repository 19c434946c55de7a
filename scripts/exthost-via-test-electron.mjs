#!/usr/bin/env node
// The extension-host layer through @vscode/test-electron's runTests(), with scripts/code-test-shim as the VS Code
// executable (no VS Code download: the shim runs code-server). Same tests as scripts/run-exthost-tests.mjs.
//   node scripts/exthost-via-test-electron.mjs
import { runTests } from '@vscode/test-electron';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, buildExtension, bundleTests, findExthostTests } from './lib/exthostBundle.mjs';

const outdir = path.join(ROOT, '.tmp', `exthost-te-${process.pid}`);
let code = 1;
try {
  buildExtension();
  const files = await bundleTests(findExthostTests(), outdir);
  code = await runTests({
    vscodeExecutablePath: path.join(ROOT, 'scripts', 'code-test-shim'),
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(outdir, 'index.js'),
    extensionTestsEnv: { TRILIUM_TEST_FILES: JSON.stringify(files) },
    launchArgs: [],
  }).then(
    () => 0,
    (error) => {
      console.error(`runTests failed: ${error}`);
      return 1;
    },
  );
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
process.exit(code);
