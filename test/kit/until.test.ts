// The shared wait helpers: they wait for the condition (also one computed asynchronously), return
// the value that met it, and name what did not happen in time.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { until as hubUntil } from '../../apps/control-plane/test/agent-hub/helpers.js';
import { accepts, elapse, until, untilTruthy } from './until.js';

describe('until', () => {
  it('returns the first value the predicate accepts, from a sync or an async check', async () => {
    let n = 0;
    expect(
      await until(
        () => ++n,
        (v) => v === 3,
        { stepMs: 1 },
      ),
    ).toBe(3);
    let m = 0;
    expect(
      await until(
        async () => ++m,
        (v) => v >= 2,
        { stepMs: 1 },
      ),
    ).toBe(2);
  });

  it('throws after the deadline naming what was awaited and the last value', async () => {
    await expect(
      until(
        () => ({ seen: 1 }),
        () => false,
        { timeoutMs: 30, stepMs: 5, what: 'the answer' },
      ),
    ).rejects.toThrow(/the answer not met in 30 ms; last: \{"seen":1\}/);
  });

  it('fails the wait when the check throws', async () => {
    await expect(
      until(
        () => {
          throw new Error('boom');
        },
        () => true,
      ),
    ).rejects.toThrow('boom');
  });
});

describe('untilTruthy', () => {
  it('waits for an async condition instead of taking its pending promise as truthy', async () => {
    let ready = false;
    setImmediate(() => {
      ready = true;
    });
    expect(await untilTruthy(async () => ready && 'ready', { stepMs: 1 })).toBe('ready');
  });

  it("the agent hub tests' until waits for an async condition too (it used to return at once)", async () => {
    let checks = 0;
    expect(await hubUntil(async () => ++checks >= 3 && checks, 1_000, 'third check')).toBe(3);
  });
});

describe('probes', () => {
  it('accepts tells whether something listens on a port', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as net.AddressInfo;
    expect(await accepts(port)).toBe(true);
    await new Promise((r) => srv.close(r));
    expect(await accepts(port)).toBe(false);
  });

  it('elapse insists on a reason', () => {
    expect(() => elapse(1, '')).toThrow(/say what/);
  });
});
