// The step-by-step report of Test Sync: each step's outcome in words, the route and the clock offset.
import type { DriverInfo } from '../storage/driver/connection';
import type { TestSyncResult, TestSyncStep } from './engineApi';
import { TriliumError, isTriliumError } from './errors';
import type { ProtocolClient, ServerStatus } from './protocolClient';

export class TestSteps {
  readonly steps: TestSyncStep[] = [];
  private current = 'status';
  private serverSyncVersion: number | undefined;
  /** Set by a caller that has a replica, so the report shows both versions. */
  replicaSyncVersion: number | undefined;
  /** Set by a caller that has a replica: the SQLite driver it is stored with. */
  storage: DriverInfo | undefined;

  constructor(private readonly client: ProtocolClient) {}

  /** Names the step that runs next, so that a failure is reported against it. */
  begin(name: string): void {
    this.current = name;
  }

  passed(detail: string): void {
    this.steps.push({ name: this.current, ok: true, detail });
  }

  async status(): Promise<ServerStatus> {
    this.begin('status');
    const status = await this.client.status();
    this.serverSyncVersion = status.syncVersion;
    const state = status.isInitialized ? 'initialised' : status.schemaExists ? 'schema only' : 'empty';
    this.passed(`${this.client.serverUrl} answered (sync version ${status.syncVersion}, ${state}).`);
    return status;
  }

  result(message: string): TestSyncResult {
    return { ok: true, message, ...this.common() };
  }

  failure(e: unknown): TestSyncResult {
    const error = isTriliumError(e) ? e : new TriliumError('PROTOCOL', e instanceof Error ? e.message : String(e), undefined, { cause: e });
    this.steps.push({ name: this.current, ok: false, detail: error.userMessage });
    return { ok: false, message: error.userMessage, error, ...this.common() };
  }

  private common() {
    return {
      steps: this.steps, serverSyncVersion: this.serverSyncVersion,
      ...(this.replicaSyncVersion !== undefined ? { replicaSyncVersion: this.replicaSyncVersion } : {}),
      ...(this.storage ? { storage: this.storage } : {}),
      route: this.client.lastRoute, clockOffsetMs: this.client.clockOffsetMs };
  }
}

/** Runs the steps; whatever throws becomes the failed step of the report. */
export async function runTestSteps(client: ProtocolClient, body: (t: TestSteps) => Promise<string>): Promise<TestSyncResult> {
  const t = new TestSteps(client);
  try {
    return t.result(await body(t));
  } catch (e) {
    return t.failure(e);
  }
}
