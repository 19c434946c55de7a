// The test runner loaded inside the VS Code extension host (extensionTestsPath): VS Code calls run() and reports
// its outcome as the exit code. scripts/run-exthost-tests.mjs bundles this file and the selected test files and
// passes their paths, the grep pattern and a results file through the environment.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export interface LayerResult {
  passed: number;
  failed: number;
  pending: number;
  /** each failed test's full title and the first lines of its error, repeated by scripts/test-all.mjs at its end */
  failures: Array<{ title: string; message: string }>;
}

function testFiles(): string[] {
  const fromEnv = process.env.TRILIUM_TEST_FILES;
  if (fromEnv) return JSON.parse(fromEnv) as string[];
  return fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => path.join(__dirname, name));
}

export function run(): Promise<void> {
  process.setSourceMapsEnabled(true);
  const mocha = new Mocha({
    ui: 'bdd',
    color: process.env.TRILIUM_TEST_COLOR === '1',
    timeout: 60_000,
    grep: process.env.TRILIUM_TEST_GREP || undefined,
    forbidOnly: true,
    forbidPending: true,
  });
  for (const file of testFiles()) mocha.addFile(file);
  console.log('trilium-exthost-runner: started');

  return new Promise((resolve, reject) => {
    const failed: LayerResult['failures'] = [];
    const runner = mocha.run((failures) => {
      const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
      const result: LayerResult = { passed: stats.passes, failed: stats.failures, pending: stats.pending, failures: failed };
      const resultsFile = process.env.TRILIUM_TEST_RESULTS;
      if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(result));
      console.log(`exthost: ${result.passed} passed, ${result.failed} failed`);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else if (result.passed === 0) reject(new Error('no extension-host tests ran'));
      else resolve();
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test: Mocha.Runnable, error: unknown) => {
      const text = String((error as Error)?.message ?? error).split('\n').slice(0, 4).join(' | ');
      failed.push({ title: test.fullTitle(), message: text.length > 400 ? `${text.slice(0, 400)}…` : text });
    });
  });
}
