// Docker cannot run on these machines: these tests prove the compose topology is well-formed and
// that everything it references exists in the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: { context: string; dockerfile: string }; healthcheck?: unknown; depends_on?: Record<string, unknown> }>;
};

function dockerfileOf(svc: { build?: { context: string; dockerfile: string } }): string | null {
  return svc.build ? path.join(root, svc.build.context, svc.build.dockerfile) : null;
}

describe('docker-compose.yml', () => {
  it('passes the Compose schema and lint rules (dclint, errors only)', () => {
    const bin = path.join(root, 'node_modules', '.bin', 'dclint');
    // Throws (and fails the test) on a non-zero exit.
    execFileSync(bin, ['-q', 'docker-compose.yml'], { cwd: root, stdio: 'pipe' });
  });

  it('runs postgres, the control plane, two agents and demo backends', () => {
    const names = Object.keys(compose.services);
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
    expect(names).toContain('control-plane');
    expect(names.filter((n) => n.startsWith('agent-'))).toHaveLength(2);
    expect(names.filter((n) => n.startsWith('backend-')).length).toBeGreaterThanOrEqual(3);
  });

  it('names only build contexts and Dockerfiles that exist', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      if (svc.image) continue;
      const file = dockerfileOf(svc);
      expect(file, `${name} has neither image nor build`).not.toBeNull();
      expect(existsSync(path.join(root, svc.build!.context)), `${name} context`).toBe(true);
      expect(existsSync(file!), `${name} Dockerfile ${file}`).toBe(true);
    }
  });

  it('copies only paths that exist and runs entry points that exist', () => {
    for (const svc of Object.values(compose.services)) {
      const file = dockerfileOf(svc);
      if (!file) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^COPY\s+(.+)\s+\S+$/gm)) {
        for (const src of m[1]!.trim().split(/\s+/)) expect(existsSync(path.join(root, src)), `${file}: COPY ${src}`).toBe(true);
      }
      const cmd = /^CMD\s+(\[.*\])$/m.exec(text);
      expect(cmd, `${file} has a CMD`).not.toBeNull();
      // A compiled entry (apps/x/dist/main.js, built inside the image) is checked through its source (apps/x/src/main.ts).
      const entry = (JSON.parse(cmd![1]!) as string[]).find((a) => a.endsWith('.ts') || a.endsWith('.js'));
      const source = entry?.replace(/\/dist\//, '/src/').replace(/\.js$/, '.ts');
      expect(source !== undefined && existsSync(path.join(root, source)), `${file}: entry ${entry}`).toBe(true);
      // ...and the image builds it before running it.
      const app = /^(apps\/[^/]+)\/dist\//.exec(entry ?? '')?.[1];
      if (app) expect(text, `${file}: builds ${app}`).toMatch(new RegExp(`^RUN npx tsc -b ${app}$`, 'm'));
    }
  });

  it('gives every service a healthcheck and waits on health before depending on it', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      const file = dockerfileOf(svc);
      const has = svc.healthcheck !== undefined || (file !== null && /^HEALTHCHECK /m.test(readFileSync(file, 'utf8')));
      expect(has, `${name} has a healthcheck`).toBe(true);
      for (const [dep, cond] of Object.entries(svc.depends_on ?? {})) {
        expect(compose.services[dep], `${name} depends on ${dep}`).toBeDefined();
        expect(cond).toEqual({ condition: 'service_healthy' });
      }
    }
  });
});
