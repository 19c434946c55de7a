import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
require('tsx/cjs');
const db = require('../src/storage/db.ts');
const stats = {};
for (const m of ['run', 'all', 'get', 'exec']) {
  const orig = db.Connection.prototype[m];
  db.Connection.prototype[m] = async function (sql, p) {
    const c0 = process.cpuUsage();
    try { return await orig.call(this, sql, p); } finally {
      const d = process.cpuUsage(c0); const k = sql.replace(/\s+/g, ' ').slice(0, 60);
      (stats[k] ??= { n: 0, us: 0 }); stats[k].n++; stats[k].us += d.user + d.system;
    }
  };
}
process.on('exit', () => {
  const rows = Object.entries(stats).sort((a, b) => b[1].us - a[1].us).slice(0, 14);
  for (const [k, v] of rows) console.log((v.us / 1e6).toFixed(2).padStart(7), 's', String(v.n).padStart(6), k);
});
await import('./apply.mjs');
