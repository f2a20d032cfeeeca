#!/usr/bin/env node
// `spillway`: runs the TypeScript entry through tsx's loader (no build step), with the CLI's own
// tsconfig whatever the current directory is.
import { register } from 'tsx/esm/api';

register({ tsconfig: new URL('../tsconfig.json', import.meta.url).pathname });
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
