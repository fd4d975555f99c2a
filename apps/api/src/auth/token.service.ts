import { Injectable } from '@nestjs/common';
import { jwtVerify, SignJWT } from 'jose';
import { AppConfig } from '../config/app-config';
import { isStorableText } from '../common/json-body';
import { Principal, Role, ROLES } from '../common/principal';

/** A principal id is stored and compared as text: 1–128 characters, no control characters. */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const PRINCIPAL_ID = /^[^\u0000-\u001f\u007f]{1,128}$/;

function isPrincipalId(sub: string | undefined): sub is string {
  return sub !== undefined && PRINCIPAL_ID.test(sub) && isStorableText(sub);
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** Verified tokens remembered at most (a client sends the same token with every request). */
const VERIFIED_CACHE_SIZE = 10_000;

/** HS256 bearer tokens with the brief's claims: `sub`, `role`, `exp`. */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;
  /** Tokens already verified, with their principal and expiry (seconds): HMAC once per token. */
  private readonly verified = new Map<string, { principal: Principal; exp: number }>();

  constructor(config: AppConfig) {
    this.key = new TextEncoder().encode(config.jwtSecret);
  }

  /** The principal of a valid token, or undefined for anything else (bad signature, expired…). */
  async verify(token: string): Promise<Principal | undefined> {
    const known = this.verified.get(token);
    if (known && known.exp > Date.now() / 1000) return known.principal;
    this.verified.delete(token);
    const verified = await this.verifyAnew(token);
    if (verified) {
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
      this.verified.set(token, verified);
    }
    return verified?.principal;
  }

  private async verifyAnew(
    token: string,
  ): Promise<{ principal: Principal; exp: number } | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
      });
      const role = payload.role;
      if (
        typeof role !== 'string' ||
        !ROLES.includes(role as Role) ||
        !isPrincipalId(payload.sub)
      ) {
        return undefined;
      }
      return { principal: { role: role as Role, id: payload.sub }, exp: payload.exp! };
    } catch {
      return undefined;
    }
  }

  sign(principal: Principal, expiresIn = '12h'): Promise<string> {
    return signToken(this.key, principal, expiresIn);
  }
}

export function signToken(
  key: Uint8Array,
  principal: Principal,
  expiresIn: string,
): Promise<string> {
  return new SignJWT({ role: principal.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.id)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);
}
