// Runs npm scripts at the same time and fails when any of them fails: `node scripts/parallel.js lint
// typecheck` (npm test's checks: ESLint + Prettier and tsc -b are one core each, about a minute each in
// a clean clone, and neither reads what the other writes). Each script's output is printed whole
// when it ends, so the two do not interleave. Plain JavaScript: it starts before anything is built.
import { spawn } from 'node:child_process';

const npm = process.env.npm_execpath;
const names = process.argv.slice(2);
if (names.length === 0) {
  process.stderr.write('usage: node scripts/parallel.js <npm script>...\n');
  process.exit(2);
}

/** Runs `npm run <name>`; resolves with its exit code (1 when it could not start) and its output. */
function run(name) {
  const [cmd, args] = npm ? [process.execPath, [npm, 'run', name]] : ['npm', ['run', name]];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => out.push(c));
    child.on('error', (err) => out.push(Buffer.from(`${err.message}\n`)));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const status = code === 0 ? 'passed' : `FAILED (${signal ?? `exit ${code ?? 1}`})`;
      process.stdout.write(`> npm run ${name}: ${status} in ${seconds} s\n${Buffer.concat(out).toString()}`);
      resolve(code ?? 1);
    });
  });
}

const codes = await Promise.all(names.map(run));
process.exit(codes.find((c) => c !== 0) ?? 0);
