// Production runs the compiled agent: `tsc -b` output started with the command of the agent's
// image (its Dockerfile's CMD: node --conditions=spillway-dist apps/agent/dist/main.js), its
// cluster workers dist/worker.js, no tsx anywhere; it proxies TCP and HTTP.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../../../test/kit/build.js';
import { siblingEntry } from '../src/entry.js';
import { httpBackend, openHeld, spawnAgent, tcpBackend, tcpService, until, type Backend, type RunningAgent } from './helpers.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dockerfile = readFileSync(path.join(root, 'apps', 'agent', 'Dockerfile'), 'utf8');
/** The command the agent's image runs (its CMD), the one this test starts. */
const imageCmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];

let echo: Backend;
let web: Awaited<ReturnType<typeof httpBackend>>;
let agent: RunningAgent;

/** Command lines of the live children of `pid` (from /proc). */
function childCommands(pid: number): string[] {
  const cmds: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) cmds.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim());
    } catch {
      /* exited meanwhile */
    }
  }
  return cmds;
}

beforeAll(async () => {
  // The build the agent runs (incremental: quick when dist/ is up to date).
  const build = buildDist(['apps/agent']);
  expect(build.code, build.output).toBe(0);
  echo = await tcpBackend('echo');
  web = await httpBackend('web');
  expect(imageCmd[0]).toBe('node');
  agent = await spawnAgent(
    {
      services: [tcpService('echo', echo.port, 10), { ...tcpService('web', web.port, 10), protocol: 'http' }],
      vservers: [
        { name: 'tcp', protocol: 'tcp', listen: { port: 0, host: '127.0.0.1' }, services: [{ service: 'echo' }], spillover: { methods: [], action: 'accept' } },
        {
          name: 'http',
          protocol: 'http',
          listen: { port: 0, host: '127.0.0.1' },
          services: [{ service: 'web' }],
          spillover: { methods: [], action: 'accept' },
        },
      ],
      agent: { workers: 2 },
    },
    { SPILLWAY_LOG_LEVEL: 'warn' },
    [process.execPath, ...imageCmd.slice(1)],
  );
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await echo?.close();
  await web?.close();
});

describe('the compiled agent (tsc -b output)', () => {
  it("is what the agent's image builds and runs", () => {
    expect(dockerfile).toMatch(/^RUN npx tsc -b apps\/agent$/m);
    expect(imageCmd).toEqual(['node', '--conditions=spillway-dist', 'apps/agent/dist/main.js']);
  });

  it('runs its two cluster workers from dist/worker.js under node, without tsx', async () => {
    const workers = await until(
      async () => childCommands(agent.pid),
      (cmds) => cmds.filter((c) => c.includes('worker.js')).length === 2,
    );
    for (const cmd of workers) {
      expect(cmd).toContain(path.join('apps', 'agent', 'dist', 'worker.js'));
      expect(cmd).toContain('--conditions=spillway-dist');
      expect(cmd).not.toMatch(/tsx/);
    }
  });

  it('proxies a TCP connection and an HTTP request', async () => {
    const held = await openHeld(agent.ports.tcp!);
    expect(held.first).toBe('echo');
    held.socket.destroy();
    const res = await fetch(`http://127.0.0.1:${agent.ports.http!}/built`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { backend: string; url: string }).url).toBe('/built');
  });
});

describe('siblingEntry', () => {
  it('names worker.js next to a compiled module with the same flags, worker.ts under tsx next to a source', () => {
    expect(siblingEntry('file:///x/dist/worker-set.js', 'worker', ['--conditions=spillway-dist'])).toEqual({
      file: '/x/dist/worker.js',
      execArgv: ['--conditions=spillway-dist'],
    });
    expect(siblingEntry('file:///x/src/worker-set.ts', 'worker', [])).toEqual({ file: '/x/src/worker.ts', execArgv: ['--import', 'tsx'] });
    expect(siblingEntry('file:///x/src/worker-set.ts', 'worker', ['--import', 'tsx'])).toEqual({ file: '/x/src/worker.ts', execArgv: ['--import', 'tsx'] });
  });
});
