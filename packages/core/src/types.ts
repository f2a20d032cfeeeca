// Shapes shared by the core modules. They follow API-SHAPE.md (names, units in field names) but
// carry only what a decision needs, so the control plane and the agent can build them from
// whatever they hold.

/** Administrative state of a service (API-SHAPE.md `service.state`). */
export type AdminState = 'enabled' | 'disabled' | 'maintenance';

/** Health of a service or of one monitor's view of it. */
export type Health = 'UP' | 'DOWN';

/**
 * A service as bound to one vserver, with its live health.
 * Invariant: `capacity` and `weight` are finite and ≥ 0; `weight` is the binding's weight when the
 * binding overrides it.
 */
export interface ServiceStatus {
  name: string;
  /** Connections the service is configured to process (the seeds' connection capacity). */
  capacity: number;
  weight: number;
  state: AdminState;
  /** Current health (from monitors); a service without monitors is UP. */
  up: boolean;
}

/** Direction of traffic for bandwidth measurement (004 lines 939-1094). */
export type Direction = 'in' | 'out' | 'both';

/** A service counts for thresholds and health only while enabled. */
export const isEnabled = (s: Pick<ServiceStatus, 'state'>): boolean => s.state === 'enabled';

/** A service can take traffic: enabled and UP. */
export const isAvailable = (s: Pick<ServiceStatus, 'state' | 'up'>): boolean => s.state === 'enabled' && s.up;
