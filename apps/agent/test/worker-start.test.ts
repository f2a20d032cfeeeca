// An agent whose worker processes die before they are ready fails its start with a clear error
// and stops its workers, instead of waiting for ever: real worker processes that cannot start
// (NODE_OPTIONS, which they inherit, preloads a file that does not exist).
import cluster from 'node:cluster';
import { expect, it } from 'vitest';
import { createAgent } from '../src/agent.js';
import { AgentError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { until } from './helpers.js';

it('fails createAgent with SPILLWAY_AGENT_WORKER_FAILED when a worker exits before its hello, leaving no worker running', async () => {
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${saved ?? ''} --require /nonexistent/spillway-preload.cjs`;
  const started = Date.now();
  let err: unknown;
  try {
    await createAgent({ config: { agent: { workers: 2, drainTimeoutMs: 100 } }, log: createLogger({}, 'silent') });
  } catch (e) {
    err = e;
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
  expect(err).toBeInstanceOf(AgentError);
  expect((err as AgentError).code).toBe('SPILLWAY_AGENT_WORKER_FAILED');
  expect(Date.now() - started).toBeLessThan(20_000);
  await until(
    async () => Object.keys(cluster.workers ?? {}).length,
    (n) => n === 0,
    10_000,
  );
});
