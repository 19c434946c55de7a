require('tsx/cjs');
const { createReplica } = require('../src/storage/index.ts');
const { mkdtempSync } = require('fs');
(async () => {
  const r = await createReplica(mkdtempSync('/tmp/pp-'), { syncVersion: 39, kind: 'newDocument' });
  const base = { isErased: 0, componentId: 'NA', instanceId: 'srv', isSynced: 1, utcDateChanged: '2026-11-24 10:00:00.000Z' };
  const recs = [];
  for (let i = 0; i < 10000; i++) {
    const id = `k${String(i).padStart(11, '0')}`;
    recs.push({ entityChange: { ...base, id: i * 2, entityName: 'notes', entityId: id, hash: 'h', changeId: `n${String(i).padStart(11, '0')}` },
      entity: { noteId: id, title: `kid ${i}`, isProtected: 0, type: 'text', mime: 'text/html', blobId: null, isDeleted: 0, deleteId: null, dateCreated: 'd', dateModified: 'd', utcDateCreated: 'u', utcDateModified: 'u' } });
    recs.push({ entityChange: { ...base, id: i * 2 + 1, entityName: 'branches', entityId: `root_${id}`, hash: 'h', changeId: `b${String(i).padStart(11, '0')}` },
      entity: { branchId: `root_${id}`, noteId: id, parentNoteId: 'root', notePosition: (10000 - i) * 10, prefix: null, isExpanded: 0, isDeleted: 0, deleteId: null, utcDateModified: 'u' } });
  }
  console.time('apply'); await r.applyRecords(recs, { senderInstanceId: 'srv' }); console.timeEnd('apply');
  await r.close();
})();
