// Last resort of a process of the agent (the primary and each worker): a promise rejected with
// nobody listening is logged and counted instead of killing the process (Node's default since 15),
// so one bad input cannot crash-loop the agent; every known source is handled where it arises
// (probes, admin routes, the control channel), this only catches what was missed. An uncaught
// exception leaves the process in an unknown state: it is logged and the process exits (a worker is
// replaced by the primary, the primary by its supervisor).
import type { Logger } from './log.js';

export const processFaults = { unhandledRejections: 0, uncaughtExceptions: 0 };

let installed = false;

export function installProcessGuards(log: Logger): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    processFaults.unhandledRejections++;
    const e = reason as NodeJS.ErrnoException | undefined;
    log.error(
      { event: 'unhandled_rejection', code: e?.code, err: e?.message ?? String(reason), stack: e?.stack },
      'a promise was rejected with no handler; the process keeps running',
    );
  });
  process.on('uncaughtException', (err, origin) => {
    processFaults.uncaughtExceptions++;
    log.fatal(
      { event: 'uncaught_exception', origin, code: (err as NodeJS.ErrnoException).code, err: err.message, stack: err.stack },
      'uncaught exception; exiting',
    );
    process.exitCode = 1;
    setImmediate(() => process.exit(1));
  });
}
