// Mocha's spec reporter, plus:
// - every top-level suite and test title starts with the SQLite driver the run uses, e.g. "[node:sqlite] replica …",
//   so that `npm test`, which runs the core layer once per driver, says which one a failure belongs to;
// - a JSON file with the counts and the failed tests' titles and first error lines (path in TRILIUM_TEST_RESULTS)
//   for scripts/test-all.mjs, which repeats the failures at the end of its output.
'use strict';
const fs = require('fs');
const Mocha = require('mocha');

/** The driver src/storage/driver/select.ts picks under the same environment. */
function sqliteDriverLabel(env = process.env) {
  if (env.TRILIUM_SQLITE_DRIVER === 'node-sqlite') return 'node:sqlite';
  if (env.TRILIUM_SQLITE_DRIVER === 'vscode-sqlite3') return '@vscode/sqlite3';
  let builtin;
  try {
    builtin = process.getBuiltinModule?.('node:sqlite');
  } catch {
    builtin = undefined;
  }
  return builtin ? 'node:sqlite' : '@vscode/sqlite3';
}

class CountingSpecReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const prefix = `[${sqliteDriverLabel()}]`;
    runner.once(Mocha.Runner.constants.EVENT_RUN_BEGIN, () => {
      for (const runnable of [...runner.suite.suites, ...runner.suite.tests]) runnable.title = `${prefix} ${runnable.title}`;
    });
    const failures = [];
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, error) => failures.push(failureSummary(test, error)));
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.TRILIUM_TEST_RESULTS;
      const stats = runner.stats || this.stats;
      if (file) {
        fs.writeFileSync(file, JSON.stringify({ passed: stats.passes, failed: stats.failures, pending: stats.pending, failures }));
      }
    });
  }
}

/** One failed test (or hook) as test-all.mjs prints it: its full title and the first lines of its error. */
function failureSummary(test, error) {
  const message = String((error && (error.message || error)) || 'failed').split('\n').slice(0, 4).join(' | ');
  return { title: test.fullTitle(), message: message.length > 400 ? `${message.slice(0, 400)}…` : message };
}

module.exports = CountingSpecReporter;
module.exports.failureSummary = failureSummary;
module.exports.sqliteDriverLabel = sqliteDriverLabel;
