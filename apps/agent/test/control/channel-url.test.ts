import { expect, it } from 'vitest';
import { channelUrl } from '../../src/control/control-client.js';

it('derives the control channel URL from SPILLWAY_CONTROL_PLANE_URL (http base or ws URL as is)', () => {
  expect(channelUrl('http://control-plane:3000')).toBe('ws://control-plane:3000/v1/agents/connect');
  expect(channelUrl('https://cp.example.com/spillway/')).toBe('wss://cp.example.com/spillway/v1/agents/connect');
  expect(channelUrl('ws://127.0.0.1:4000/v1/agents/connect')).toBe('ws://127.0.0.1:4000/v1/agents/connect');
  expect(channelUrl('control-plane:3000')).toBeNull();
  expect(channelUrl('not a url')).toBeNull();
});
