// node_modules/.bin/spillway, the bin npm links (tsx on the sources), runs the same program as the
// compiled bin/spillway-dist.js that the other CLI tests start.
import path from 'node:path';
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { BIN, collect, root, runCli } from './helpers.js';

const linked = (args: string[]) =>
  collect(
    spawn(BIN, args, { cwd: root, env: { PATH: process.env.PATH, HOME: root, LANG: 'C.UTF-8', SPILLWAY_URL: 'http://127.0.0.1:1', SPILLWAY_TOKEN: 'x' } }),
  );

it('answers as the compiled CLI does: its help, and an unreachable control plane named with exit 1', async () => {
  expect(path.relative(root, BIN)).toBe(path.join('node_modules', '.bin', 'spillway'));
  const [help, compiledHelp] = await Promise.all([linked(['--help']), runCli(['--help'])]);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('Usage: spillway');
  expect(help.stdout).toBe(compiledHelp.stdout);
  const env = { SPILLWAY_URL: 'http://127.0.0.1:1', SPILLWAY_TOKEN: 'x' };
  const [down, compiledDown] = await Promise.all([linked(['get', 'services']), runCli(['get', 'services'], { env })]);
  expect(down.code).toBe(1);
  expect(down.stderr).toContain('127.0.0.1:1');
  expect(down).toEqual(compiledDown);
});
