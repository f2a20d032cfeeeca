// Each workspace declares what it imports in its own package.json (a static scan of the import
// specifiers of its sources, parsed with the TypeScript compiler, so comments and strings do not
// count). Source files (src/) may import their `dependencies` (a type-only import may also come
// from `devDependencies`); test files may also import their `devDependencies` and the root's
// repo-wide tooling: the root devDependencies that no workspace declares (vitest, ...). A package
// some workspace declares is a workspace dependency, so every workspace that uses it declares it.
// Code at the root (scripts/, bench/, test/) imports the root's packages and any workspace.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  workspaces?: string[];
}
interface Import {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
const names = (...records: (Record<string, string> | undefined)[]): Set<string> => new Set(records.flatMap((r) => Object.keys(r ?? {})));

function tsFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    if (e === 'node_modules' || e === 'dist' || e.startsWith('.')) return [];
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return /\.(c|m)?[jt]s$/.test(e) && !e.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every module specifier a file names: import/export declarations, `import()`, `require()`, `require.resolve()`. */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): Import[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined, typeOnly: boolean): void => {
    if (spec && ts.isStringLiteralLike(spec)) out.push({ specifier: spec.text, typeOnly, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const isRequireLike = (e: ts.Expression): boolean =>
    (ts.isIdentifier(e) && e.text === 'require') || (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'createRequire');
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      const typeOnly =
        !!c &&
        (c.phaseModifier === ts.SyntaxKind.TypeKeyword ||
          (!c.name &&
            !!c.namedBindings &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((el) => el.isTypeOnly)));
      add(node, node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, true);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) add(node, node.arguments[0], false);
      else if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'resolve' && isRequireLike(callee.expression)) add(node, node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The package a bare specifier names ('@scope/name/sub' → '@scope/name'); null for relative paths and node builtins. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#')) return null;
  if (specifier.startsWith('node:') || builtinModules.includes(specifier) || builtinModules.includes(specifier.split('/')[0]!)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const rootManifest = readManifest(root);
const workspaces = (rootManifest.workspaces ?? []).map((w) => ({ dir: w, manifest: readManifest(path.join(root, w)) }));
const workspaceNames = new Set(workspaces.map((w) => w.manifest.name));
const declaredByWorkspaces = new Set(
  workspaces.flatMap((w) => [...names(w.manifest.dependencies, w.manifest.devDependencies, w.manifest.peerDependencies, w.manifest.optionalDependencies)]),
);
const repoTooling = new Set([...names(rootManifest.devDependencies)].filter((n) => !declaredByWorkspaces.has(n)));

/** `file:line imports pkg` for each import of a package not in `allowed` (type-only imports may also use `typeAllowed`). */
function undeclared(files: string[], allowed: Set<string>, typeAllowed: Set<string> = allowed): string[] {
  return files.flatMap((file) =>
    importsOf(file).flatMap(({ specifier, typeOnly, line }) => {
      const pkg = packageOf(specifier);
      if (pkg === null || allowed.has(pkg) || (typeOnly && typeAllowed.has(pkg))) return [];
      return [`${path.relative(root, file)}:${line} imports ${pkg}`];
    }),
  );
}

describe('workspace dependencies', () => {
  it('finds the imports of a file (static, type-only, dynamic, require.resolve) and not the ones in comments or strings', () => {
    const text = [
      "import a from 'pkg-a';",
      "import type { B } from '@scope/b/sub';",
      "import { type C } from 'pkg-c';",
      "export * from 'pkg-d';",
      "import 'pkg-e';",
      "const f = await import('pkg-f');",
      "createRequire(import.meta.url).resolve('pkg-g/x');",
      "path.resolve('not-a-package');",
      "// import x from 'in-comment';",
      'const s = "from \'in-string\'";',
      "import { h } from './relative.js';",
      "import fs from 'node:fs'; import os from 'os';",
    ].join('\n');
    const found = importsOf('x.ts', text).map((i) => `${packageOf(i.specifier) ?? '-'}${i.typeOnly ? ':type' : ''}`);
    expect(found).toEqual(['pkg-a', '@scope/b:type', 'pkg-c:type', 'pkg-d', 'pkg-e', 'pkg-f', 'pkg-g', '-', '-', '-']);
  });

  it('lists the four workspaces with their own package.json', () => {
    expect(workspaces.length).toBeGreaterThanOrEqual(4);
    for (const w of workspaces) expect(w.manifest.name).toMatch(/^@spillway\//);
  });

  for (const { dir, manifest } of workspaces) {
    it(`${manifest.name}: src imports only its dependencies (type-only: also devDependencies)`, () => {
      const runtime = names(manifest.dependencies, manifest.peerDependencies, manifest.optionalDependencies);
      const files = tsFiles(path.join(root, dir, 'src'));
      expect(files.length).toBeGreaterThan(0);
      expect(undeclared(files, runtime, new Set([...runtime, ...names(manifest.devDependencies)]))).toEqual([]);
    });

    it(`${manifest.name}: tests import only its dependencies, devDependencies and repo-wide tooling`, () => {
      const allowed = new Set([
        ...names(manifest.dependencies, manifest.devDependencies, manifest.peerDependencies, manifest.optionalDependencies),
        ...repoTooling,
      ]);
      expect(undeclared(tsFiles(path.join(root, dir, 'test')), allowed)).toEqual([]);
    });

    it(`${manifest.name}: every @spillway/* it declares is a workspace`, () => {
      const spillway = [...names(manifest.dependencies, manifest.devDependencies)].filter((n) => n.startsWith('@spillway/'));
      expect(spillway.filter((n) => !workspaceNames.has(n))).toEqual([]);
    });
  }

  it('code at the root (scripts, bench, test, configs) imports only root packages and workspaces', () => {
    const allowed = new Set([...names(rootManifest.dependencies, rootManifest.devDependencies), ...workspaceNames]);
    const files = [
      ...['scripts', 'bench', 'test'].flatMap((d) => tsFiles(path.join(root, d))),
      ...readdirSync(root)
        .filter((f) => /\.(c|m)?[jt]s$/.test(f))
        .map((f) => path.join(root, f)),
    ];
    expect(undeclared(files, allowed)).toEqual([]);
  });
});
