// The order Trilium gives the children of a note labelled #sorted (its tree service's sortNotes): #top children
// first and #bottom ones last, folders first with #sortFoldersFirst, then by the #sorted label's value (a label name,
// or dateCreated / dateModified; empty: the title), then by title ("prefix - title"), all lower-cased, descending
// with #sortDirection=desc, naturally (numbers by value) with #sortNatural in #sortLocale. Pure: the values come in.

export interface ChildSort {
  /** 'title', 'dateCreated', 'dateModified' or a label name. */
  by: string;
  desc: boolean;
  foldersFirst: boolean;
  natural: boolean;
  locale: string | undefined;
}

/** How the parent's (effective) labels sort its children, or null when they are kept in their stored order. */
export function childSortOf(labels: ReadonlyArray<{ name: string; value: string }>): ChildSort | null {
  const label = (name: string) => labels.find((l) => l.name === name);
  const truthy = (name: string) => { const l = label(name); return !!l && l.value.toLowerCase() !== 'false'; };
  const sorted = label('sorted');
  if (!sorted || sorted.value === 'off') return null;
  return {
    by: sorted.value.trim() || 'title',
    desc: label('sortDirection')?.value.toLowerCase() === 'desc',
    foldersFirst: truthy('sortFoldersFirst'),
    natural: truthy('sortNatural'),
    locale: label('sortLocale')?.value || undefined,
  };
}

/** What sorting needs of one child. `value(key)` gives a label's value (or a date property), null when absent. */
export interface SortableChild {
  title: string;
  prefix: string | null;
  hasChildren: boolean;
  value(key: string): string | null;
}

/** The children in Trilium's sorted order (a new array; ties keep their stored order). */
export function sortChildren<T>(children: readonly T[], sort: ChildSort, view: (child: T) => SortableChild): T[] {
  const compare = sort.natural
    ? (a: string, b: string) => a.localeCompare(b, sort.locale, { numeric: true, sensitivity: 'base' })
    : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const fetch = (c: SortableChild, key: string): string | null => {
    const raw = key === 'title' ? (c.prefix ? `${c.prefix} - ${c.title}` : c.title) : c.value(key);
    return raw === null ? null : raw.toLowerCase();
  };
  // a child without the value goes after every child with it, in either direction; two without it tie
  const level = (a: SortableChild, b: SortableChild, key: string): number => {
    const va = fetch(a, key);
    const vb = fetch(b, key);
    if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
    return sort.desc ? -compare(va, vb) : compare(va, vb);
  };
  const order = (a: SortableChild, b: SortableChild): number => {
    const topA = fetch(a, 'top');
    const topB = fetch(b, 'top');
    if (topA !== topB) {
      if (topA === null) return 1;
      if (topB === null) return -1;
      return compare(topA, topB);
    }
    const bottomA = fetch(a, 'bottom');
    const bottomB = fetch(b, 'bottom');
    if (bottomA !== bottomB) {
      if (bottomA === null) return -1;
      if (bottomB === null) return 1;
      return compare(bottomB, bottomA);
    }
    if (sort.foldersFirst && a.hasChildren !== b.hasChildren) return (a.hasChildren ? -1 : 1) * (sort.desc ? -1 : 1);
    return (sort.by !== 'title' ? level(a, b, sort.by) : 0) || level(a, b, 'title');
  };
  return children.map((c, i) => ({ c, v: view(c), i })).sort((x, y) => order(x.v, y.v) || x.i - y.i).map((x) => x.c);
}
