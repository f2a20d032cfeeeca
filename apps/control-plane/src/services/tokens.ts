// Bearer secrets: `spw_` + 32 random bytes (base64url). Only the sha256 is stored; lookups go
// by hash, so no secret comparison happens in user space.
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'spw_';

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A well-formed secret (cheap check before any database lookup). */
export function looksLikeToken(token: string): boolean {
  return token.length >= 8 && token.length <= 256 && /^[A-Za-z0-9_\-.~+/=]+$/.test(token);
}
