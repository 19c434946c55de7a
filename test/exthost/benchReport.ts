// How extension-host benches report: one `BENCH {json}` line per figure (read by bench/lib/exthostBench.mjs).
export function report(name: string, ms: number, extra: Record<string, unknown> = {}): void {
  console.log(`BENCH ${JSON.stringify({ name, ms: Math.round(ms * 10) / 10, ...extra })}`);
}

export async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}
