import { expect, it } from 'vitest';
import { fairShares } from '../../src/agent-hub/replica-quota.js';

it('splits a limit by weight to exactly the limit, the same way whatever the order the replicas list agents in', () => {
  expect(
    Object.fromEntries(
      fairShares(40, [
        ['b', 2],
        ['a', 2],
      ]),
    ),
  ).toEqual({ a: 20, b: 20 });
  expect(
    Object.fromEntries(
      fairShares(10, [
        ['c', 1],
        ['a', 1],
        ['b', 1],
      ]),
    ),
  ).toEqual({ a: 4, b: 3, c: 3 });
  expect(
    Object.fromEntries(
      fairShares(10, [
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ]),
    ),
  ).toEqual({ a: 4, b: 3, c: 3 });
  expect(
    Object.fromEntries(
      fairShares(7, [
        ['x', 3],
        ['y', 1],
      ]),
    ),
  ).toEqual({ x: 5, y: 2 });
  expect(fairShares(10, []).size).toBe(0);
});
