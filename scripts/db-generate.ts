// `npm run db:generate`: regenerates the Prisma client (committed, in
// apps/control-plane/src/generated/prisma) from prisma/schema.prisma, offline. `prisma generate`
// only needs WASM, but the CLI insists on a schema-engine binary it cannot download here: any
// existing executable satisfies that check, and node's own is always there.
import { execFile } from 'node:child_process';
import { cp, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');

/**
 * Runs `prisma generate` for `<workDir>/prisma/schema.prisma`; the client lands where the
 * schema's `output` points, relative to it. Default: the repository itself.
 */
export async function generateClient(workDir = root): Promise<void> {
  await promisify(execFile)(path.join(root, 'node_modules', '.bin', 'prisma'), ['generate', '--schema', path.join(workDir, 'prisma', 'schema.prisma')], {
    cwd: workDir,
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  });
}

/**
 * Generates the client from the repository's schema into `<workDir>/apps/control-plane/src/generated/prisma`
 * (the same relative layout, so the output is byte-for-byte what `npm run db:generate` would commit).
 */
export async function generateClientInto(workDir: string): Promise<string> {
  await mkdir(path.join(workDir, 'prisma'), { recursive: true });
  await cp(path.join(root, 'prisma', 'schema.prisma'), path.join(workDir, 'prisma', 'schema.prisma'));
  await symlink(path.join(root, 'node_modules'), path.join(workDir, 'node_modules')).catch(() => undefined);
  await generateClient(workDir);
  return path.join(workDir, 'apps', 'control-plane', 'src', 'generated', 'prisma');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  await generateClient().then(
    () => console.log('generated apps/control-plane/src/generated/prisma'),
    (err: { stderr?: string; message: string }) => {
      console.error(`db:generate: ${err.stderr || err.message}`);
      process.exit(1);
    },
  );
}
