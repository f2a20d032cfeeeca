// TCP_NODELAY once per listener instead of once per connection. Linux copies a listening socket's
// TCP options to each socket it accepts, so a listener with TCP_NODELAY set hands out sockets that
// have it already; net.Socket only needs to know (its setNoDelay(true) then makes no setsockopt
// call). net keeps that knowledge in a symbol field, found by name on a socket it set it on; when
// it is not found, or the listener is not a real one (a cluster worker under 'rr' gets its
// connections from the primary's socket), each socket sets its own as before.
import net from 'node:net';

const kSetNoDelay = ((): symbol | undefined => {
  const probe = new net.Socket();
  probe.setNoDelay(true); // no handle yet: only recorded in the field
  const s = Object.getOwnPropertySymbols(probe).find((x) => x.description === 'kSetNoDelay');
  const ok = s !== undefined && (probe as unknown as Record<symbol, unknown>)[s] === true;
  probe.destroy();
  return ok ? s : undefined;
})();

interface ListenHandle {
  setNoDelay?: (on: boolean) => number;
}

/** Sets TCP_NODELAY on `server`'s listening socket (call once it listens); false: its sockets must set their own. */
export function noDelayListener(server: net.Server): boolean {
  if (process.platform !== 'linux' || kSetNoDelay === undefined) return false;
  const handle = (server as unknown as { _handle?: ListenHandle | null })._handle;
  if (typeof handle?.setNoDelay !== 'function') return false;
  return handle.setNoDelay(true) === 0;
}

/** A socket accepted by a noDelayListener: it has TCP_NODELAY from its listener. */
export function inheritNoDelay(socket: net.Socket): void {
  if (kSetNoDelay !== undefined) (socket as unknown as Record<symbol, boolean>)[kSetNoDelay] = true;
}
