// In-place migration of a replica between sync protocol profiles (issue 16).
export { checkMigration, migrateDocument, type MigrateOptions } from './migrate';
export { discardBackups, listBackups, backupFileName } from './backup';
export { describeSyncVersion, releasesOf, TRILIUM_DB_VERSIONS } from './versions';
export type { ReplicaMigration } from './report';
