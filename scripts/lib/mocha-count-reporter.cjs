// Mocha's spec reporter, plus a JSON file with the counts (path in TRILIUM_TEST_RESULTS) for scripts/test-all.mjs.
'use strict';
const fs = require('fs');
const Mocha = require('mocha');

class CountingSpecReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.TRILIUM_TEST_RESULTS;
      const stats = runner.stats || this.stats;
      if (file) fs.writeFileSync(file, JSON.stringify({ passed: stats.passes, failed: stats.failures, pending: stats.pending }));
    });
  }
}

module.exports = CountingSpecReporter;
