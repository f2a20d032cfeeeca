// Runs npm scripts at the same time and fails when any of them fails. Each argument is a job: one
// npm script, or several joined by commas that run one after the other, each only once the one
// before it passed (`typecheck,test:vitest`: the suite runs on the dist/ that tsc -b built). npm
// test: `node scripts/parallel.js lint:eslint format:check typecheck,test:vitest` — the checks are
// single-threaded and the suite does not use both cores all the time, so the suite starts as soon
// as dist/ is built instead of after the slowest check. The output of a job's scripts is printed
// whole when each ends, so that they do not interleave; `--live <script>`: that script's lines
// pass through as they come instead (the long one, which CI shows in progress), with the others'
// blocks printed between two of its lines. Plain JavaScript: it starts before anything is built.
import { spawn } from 'node:child_process';

const npm = process.env.npm_execpath;
const argv = process.argv.slice(2);
let live = null;
const jobs = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--live') live = argv[++i] ?? null;
  else jobs.push(argv[i].split(',').filter((s) => s !== ''));
}
if (jobs.length === 0 || jobs.some((j) => j.length === 0)) {
  process.stderr.write('usage: node scripts/parallel.js [--live <script>] <npm script>[,<npm script>...]...\n');
  process.exit(2);
}

/** The live script's unfinished last line: another script's block waits until it is complete. */
let partial = '';
const print = (text) => {
  if (partial === '') process.stdout.write(text);
  else held.push(text);
};
const held = [];
const passLive = (chunk) => {
  const text = partial + chunk.toString();
  const cut = text.lastIndexOf('\n') + 1;
  process.stdout.write(text.slice(0, cut));
  partial = text.slice(cut);
  if (partial === '') for (const t of held.splice(0)) process.stdout.write(t);
};

/** Runs `npm run <name>`; resolves with its exit code (1 when it could not start). */
function run(name) {
  const [cmd, args] = npm ? [process.execPath, [npm, 'run', name]] : ['npm', ['run', name]];
  const started = Date.now();
  const isLive = name === live;
  return new Promise((resolve) => {
    // Piped, the live script would drop its colours on a terminal.
    const env = isLive && process.stdout.isTTY ? { ...process.env, FORCE_COLOR: '1' } : process.env;
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const take = isLive ? passLive : (c) => out.push(c);
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (err) => take(Buffer.from(`${err.message}\n`)));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const status = code === 0 ? 'passed' : `FAILED (${signal ?? `exit ${code ?? 1}`})`;
      if (isLive) {
        if (partial !== '') passLive(Buffer.from('\n'));
        process.stdout.write(`> npm run ${name}: ${status} in ${seconds} s\n`);
      } else {
        print(`> npm run ${name}: ${status} in ${seconds} s\n${Buffer.concat(out).toString()}`);
      }
      resolve(code ?? 1);
    });
  });
}

/** Runs a job's scripts in order; stops at the first that fails. */
async function runJob(names) {
  for (const [i, name] of names.entries()) {
    const code = await run(name);
    if (code !== 0) {
      const skipped = names.slice(i + 1);
      if (skipped.length > 0) print(`> not run, since ${name} failed: ${skipped.join(', ')}\n`);
      return code;
    }
  }
  return 0;
}

const codes = await Promise.all(jobs.map(runJob));
process.exit(codes.find((c) => c !== 0) ?? 0);
