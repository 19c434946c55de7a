// The sync core's public surface for the VS Code glue and the CLI.
export { SyncEngine, DEFAULT_MAX_ROUNDS, type SyncEngineOptions, type SyncRunOptions } from './engine';
export { SyncScheduler, type SchedulerOptions } from './scheduler';
export {
  setupFromServer, pushToServer, createLocalDocument,
  type SetupFromServerOptions, type PushToServerOptions,
} from './setup';
export { ProtocolClient, normalizeServerUrl, type ServerStatus } from './protocolClient';
export { replicaSecretSource, fixedSecretSource, type SecretSource } from './secrets';
export { silentLogger, type Logger } from './logger';
export { TriliumError, isTriliumError, type TriliumErrorCode } from './errors';
export type {
  SyncConfig, SyncEngineApi, SyncProgress, SyncResult, SyncState, TestSyncResult, TestSyncStep,
} from './engineApi';
