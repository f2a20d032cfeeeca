// Reading a configuration file (JSON or YAML, `-` for stdin) and asking for confirmation.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parse } from 'yaml';
import type { InStream, OutStream } from './context.js';
import { CliError } from './errors.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/** The document in `file`: JSON for .json, YAML otherwise (YAML also reads JSON). */
export async function readDocument(file: string, stdin: InStream): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = file === '-' ? await readAll(stdin) : readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError('SPILLWAY_CLI_FILE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : parse(text);
  } catch (err) {
    throw new CliError('SPILLWAY_CLI_FILE', `${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new CliError('SPILLWAY_CLI_FILE', `${file} must hold one document (a mapping with services, monitors and vservers)`, [
      { path: '', message: 'must be an object' },
    ]);
  }
  return doc as Record<string, unknown>;
}

/** Asks on the terminal; true only for the answer `yes` (like terraform apply); end of input is a no. */
export async function confirm(question: string, stdin: InStream, stdout: OutStream): Promise<boolean> {
  const rl = createInterface({ input: stdin, output: stdout as NodeJS.WritableStream, terminal: false });
  try {
    const closed = new Promise<string>((resolve) => {
      rl.once('close', () => resolve(''));
    });
    const answer = await Promise.race([rl.question(question), closed]);
    return answer.trim() === 'yes';
  } catch {
    return false;
  } finally {
    rl.close();
  }
}
