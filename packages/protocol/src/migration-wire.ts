// What the agent and the migratable backends (@spillway/migration) share of the live-migration
// wire protocol (packages/migration/PROTOCOL.md): the control endpoint's paths and the import token.
import { createHmac } from 'node:crypto';

/** The paths of a migratable backend's control endpoint (JSON over HTTP/1.1, bearer token). */
export const MIGRATION_PATHS = {
  export: '/spillway/migration/v1/export',
  import: '/spillway/migration/v1/import',
  cancel: '/spillway/migration/v1/cancel',
} as const;

/**
 * The token a source presents to a target for one migration: lowercase hex HMAC-SHA256 keyed
 * with the target's secret over the migration id. The agent (which knows every service's secret)
 * puts it in the export request, so a source never learns a target's secret.
 */
export function importToken(targetSecret: string, migrationId: string): string {
  return createHmac('sha256', targetSecret).update(migrationId).digest('hex');
}
