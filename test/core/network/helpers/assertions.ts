// Shared assertions and transport bookkeeping of the network tests.
import { strict as assert } from 'node:assert';
import { TriliumError } from '../../../../src/sync/errors';
import { createTransport, type NetworkOptions, type Transport } from '../../../../src/sync/http/transport';

/** Awaits `p` and asserts that it fails with a TriliumError of this code; returns the error. */
export async function rejects(p: Promise<unknown>, code: string): Promise<TriliumError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TriliumError, `expected a TriliumError, got ${String(e)}`);
    assert.equal(e.code, code, e.userMessage);
    return e;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

/** Transports made by a test file, without the process environment, all closed at the end. */
export class TransportPool {
  private readonly made: Transport[] = [];

  make = (options: NetworkOptions): Transport => {
    const t = createTransport({ env: {}, ...options });
    this.made.push(t);
    return t;
  };

  async closeAll(): Promise<void> {
    for (const t of this.made.splice(0)) await t.close?.();
  }
}
