// When the conversion worker warms up: a document is open, Markdown editing is on, and no sync has run for a few
// seconds, so that its CPU (about 0.5 s of one core, once) never competes with a set-up or a sync for the cores.

interface Disposable { dispose(): void }

export interface WarmUpSession {
  readonly replica: unknown;
  readonly state: { kind: string };
  onDidChangeReplica(listener: () => void): Disposable;
  onDidChangeState(listener: () => void): Disposable;
}

/** Quiet time before the warm-up: after activation, after a document opens, after a sync ends. */
export const WARM_UP_DELAY_MS = 3000;

export function warmUpWhenIdle(
  converter: { warmUp(): Promise<void> },
  session: WarmUpSession,
  wanted: () => boolean,
  delayMs = WARM_UP_DELAY_MS,
): Disposable {
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  const ready = () => !done && session.replica !== undefined && session.state.kind !== 'syncing' && wanted();
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!ready()) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (!ready()) return;
      done = true;
      subscriptions.dispose();
      void converter.warmUp();
    }, delayMs);
    timer.unref?.();
  };
  const listeners = [session.onDidChangeReplica(schedule), session.onDidChangeState(schedule)];
  const subscriptions = { dispose: () => { for (const l of listeners.splice(0)) l.dispose(); } };
  schedule();
  return {
    dispose: () => {
      done = true;
      if (timer) clearTimeout(timer);
      subscriptions.dispose();
    },
  };
}
