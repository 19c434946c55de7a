// Compares sector hashes as Trilium's client does (SYNC-PROTOCOL.md §4.5 step 3): every entity name present
// locally, over the union of local and remote sectors.
export interface FailedSector {
  entityName: string;
  sector: string;
}

export type SectorHashes = Record<string, Record<string, string>>;

export function differingSectors(local: SectorHashes, remote: SectorHashes): FailedSector[] {
  const failed: FailedSector[] = [];
  for (const entityName of Object.keys(local).sort()) {
    const mine = local[entityName] ?? {};
    const theirs = remote[entityName] ?? {};
    const sectors = new Set([...Object.keys(mine), ...Object.keys(theirs)]);
    for (const sector of [...sectors].sort()) {
      if (mine[sector] !== theirs[sector]) failed.push({ entityName, sector });
    }
  }
  return failed;
}
