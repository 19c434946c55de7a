// Our server started with a newer --sync-version on an existing document migrates it, as Trilium does on upgrade.
import type { ReplicaApi } from '../../storage/replicaApi';
import type { ReplicaMigration } from '../../storage/migrations/report';
import { releasesOf } from '../../storage/migrations/versions';
import { supportedSyncVersions } from '../../storage/profiles';
import { TriliumError } from '../errors';
import type { Logger } from '../logger';

export async function upgradeDocument(replica: ReplicaApi, syncVersion: number, logger: Logger): Promise<ReplicaMigration | undefined> {
  const current = replica.syncVersion;
  if (syncVersion === current) return undefined;
  if (syncVersion < current) {
    throw new TriliumError('UNSUPPORTED_VERSION',
      `The document in ${replica.dataDir} is at sync version ${current} (${releasesOf(current)}); it cannot be served as version ${syncVersion}.`,
      `Start the server with --sync-version ${current} or newer; documents are never migrated backwards.`);
  }
  if (!supportedSyncVersions().includes(syncVersion)) {
    throw new TriliumError('UNSUPPORTED_VERSION', `Sync version ${syncVersion} is not one this server knows.`,
      `Use one of ${supportedSyncVersions().join(', ')}.`);
  }
  const m = await replica.migrateTo(syncVersion);
  logger.info(`Migrated the document from sync version ${m.fromSyncVersion} to ${m.toSyncVersion} (database ${m.fromDbVersion} → ${m.toDbVersion}):`);
  for (const step of m.steps) logger.info(`  ${step}`);
  return m;
}
