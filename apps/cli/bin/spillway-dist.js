#!/usr/bin/env node
// `spillway` from its compiled dist/ (`npx tsc -b apps/cli` first): the program of bin/spillway.js
// without tsx's loader, which starts in about a third of the CPU. The CLI's tests run it.
const { main } = await import('../dist/main.js');
process.exitCode = await main(process.argv.slice(2));
