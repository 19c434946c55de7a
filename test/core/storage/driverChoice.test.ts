// Which SQLite driver a process uses, and what it says when it has none or is told a wrong one.
import { strict as assert } from 'node:assert';
import { chooseDriver } from '../../../src/storage/driver/select';
import { isTriliumError } from '../../../src/sync/errors';

const [major, minor] = process.versions.node.split('.').map(Number);
const builtIn = major > 22 || (major === 22 && minor >= 13);

describe('storage: choosing the SQLite driver', () => {
  it(`picks ${builtIn ? 'node:sqlite' : '@vscode/sqlite3'} on Node ${process.versions.node} when nothing is forced`, () => {
    assert.equal(chooseDriver({}), builtIn ? 'node:sqlite' : '@vscode/sqlite3');
  });

  it('honours TRILIUM_SQLITE_DRIVER and names the allowed values when it is wrong', () => {
    assert.equal(chooseDriver({ TRILIUM_SQLITE_DRIVER: 'vscode-sqlite3' }), '@vscode/sqlite3');
    assert.throws(() => chooseDriver({ TRILIUM_SQLITE_DRIVER: 'better-sqlite3' }),
      (e: unknown) => isTriliumError(e, 'NO_SQLITE_DRIVER') && /node-sqlite or vscode-sqlite3/.test(e.userMessage));
  });

  it(builtIn ? 'uses node:sqlite when asked' : 'says which Node and VS Code to use when node:sqlite is asked for but missing', () => {
    if (builtIn) {
      assert.equal(chooseDriver({ TRILIUM_SQLITE_DRIVER: 'node-sqlite' }), 'node:sqlite');
    } else {
      assert.throws(() => chooseDriver({ TRILIUM_SQLITE_DRIVER: 'node-sqlite' }),
        (e: unknown) => isTriliumError(e, 'NO_SQLITE_DRIVER') && /Node 22\.13 or newer/.test(e.userMessage) && /VS Code/.test(e.userMessage));
    }
  });
});
