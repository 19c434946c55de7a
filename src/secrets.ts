// Secrets live in VS Code's SecretStorage only: never in settings, logs or the replica folder.
import type * as vscode from 'vscode';

const KEYS = {
  password: 'trilium.sync.password',
  documentSecret: 'trilium.sync.documentSecret',
  pfxPassphrase: 'trilium.sync.pfxPassphrase',
} as const;

export type SecretName = keyof typeof KEYS;

export class Secrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  get(name: SecretName): Thenable<string | undefined> {
    return this.storage.get(KEYS[name]);
  }

  async set(name: SecretName, value: string | undefined): Promise<void> {
    if (value === undefined || value === '') await this.storage.delete(KEYS[name]);
    else await this.storage.store(KEYS[name], value);
  }

  async all(): Promise<Partial<Record<SecretName, string>>> {
    const out: Partial<Record<SecretName, string>> = {};
    for (const name of Object.keys(KEYS) as SecretName[]) {
      const v = await this.get(name);
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
}
