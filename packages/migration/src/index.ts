// @spillway/migration: makes a Node TCP backend migratable by Spillway's agents (issue 15).
// Wire protocol: PROTOCOL.md (so backends in other languages can implement it).
export { MigratableConnection, type ClientAddress, type ExportState } from './connection.js';
export {
  DEFAULT_TIMEOUTS,
  MigratableServer,
  type ExportFailure,
  type MigratableServerOptions,
  type MigrationLogger,
  type MigrationStats,
  type MigrationTimeouts,
} from './server.js';
export { PATHS, importToken } from './control-http.js';
