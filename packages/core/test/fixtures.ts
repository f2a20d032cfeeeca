// Fixtures: services as bound to a vserver, named for what they stand for.
import type { ServiceStatus } from '../src/index.js';

export const svc = (name: string, over: Partial<ServiceStatus> = {}): ServiceStatus => ({
  name,
  capacity: 100,
  weight: 1,
  state: 'enabled',
  up: true,
  ...over,
});
