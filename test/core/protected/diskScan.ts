// The plaintext scan the protected-note tests share with the extension-host and e2e tests.
export { markersOnDisk } from '../../shared/diskScan';

/** Writes behind the replica's back through the same SQLite library (two SQLite builds in one process must not share a file). */
export { rawRun } from '../storage/helpers';
