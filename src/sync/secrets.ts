// Where the engine gets the document secret: the VS Code glue reads SecretStorage, the CLI the replica's local
// `documentSecret` option (as Trilium keeps it).
import type { ReplicaApi } from '../storage/replicaApi';

export interface SecretSource {
  documentSecret(): Promise<string | null>;
}

export function replicaSecretSource(replica: ReplicaApi): SecretSource {
  return { documentSecret: () => replica.getOption('documentSecret') };
}

export function fixedSecretSource(secret: string): SecretSource {
  return { documentSecret: async () => secret };
}
