import { Injectable } from '@nestjs/common';
import { jwtVerify, SignJWT } from 'jose';
import { AppConfig } from '../config/app-config';
import { developmentSecret } from '../config/development-secret';
import { isStorableText } from '../common/json-body';
import { Principal, Role, ROLES } from '../common/principal';
import type { TokenRefusal } from '../errors/unauthenticated';

/** A principal id is stored and compared as text: 1–128 characters, no control characters. */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const PRINCIPAL_ID = /^[^\u0000-\u001f\u007f]{1,128}$/;

// A signed `sub` may still be any JSON: `{}` once passed as an id and dropped the customer filter.
function isPrincipalId(sub: unknown): sub is string {
  return typeof sub === 'string' && PRINCIPAL_ID.test(sub) && isStorableText(sub);
}

/**
 * Seconds a token is valid for: `exp` − `iat`, or `exp` − now without `iat`. An `iat` in the
 * future counts as now, so that a short lifetime starting in a distant year is no way around it.
 */
export function tokenLifetime(claims: { iat?: number; exp: number }, now: number): number {
  return claims.exp - Math.min(claims.iat ?? now, now);
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** The HS256 key: AUTH_JWT_SECRET, or outside production the checkout's generated secret. */
export function signingKey(config: Pick<AppConfig, 'jwtSecret' | 'dataDir'>): Uint8Array {
  return new TextEncoder().encode(config.jwtSecret ?? developmentSecret(config.dataDir));
}

/** Verified tokens remembered at most (a client sends the same token with every request). */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * HS256 bearer tokens with the claims of docs/api.md#authentication: `sub`, `role`, `exp`, and
 * `iss` and `aud` when configured, living at most AUTH_MAX_TOKEN_HOURS.
 */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;
  /** Tokens already verified, with their principal and expiry (seconds): HMAC once per token. */
  private readonly verified = new Map<string, { principal: Principal; exp: number }>();

  constructor(private readonly config: AppConfig) {
    this.key = signingKey(config);
  }

  /** The principal of a valid token, or undefined for anything else (bad signature, expired…). */
  async verify(token: string): Promise<Principal | undefined> {
    const checked = await this.check(token);
    return 'principal' in checked ? checked.principal : undefined;
  }

  /** The principal of a valid token, or why it is refused (never more than the kind of fault). */
  async check(token: string): Promise<{ principal: Principal } | { refused: TokenRefusal }> {
    const known = this.verified.get(token);
    if (known && known.exp > Date.now() / 1000) return { principal: known.principal };
    if (known) {
      this.verified.delete(token);
      return { refused: 'expired' };
    }
    const verified = await this.verifyAnew(token);
    if ('principal' in verified) {
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
      this.verified.set(token, verified);
    }
    return verified;
  }

  private async verifyAnew(
    token: string,
  ): Promise<{ principal: Principal; exp: number } | { refused: TokenRefusal }> {
    try {
      // jose checks that `exp` (and `iat`, if present) are numbers, and `iss`/`aud` when given;
      // the signature first, so that a forged token never learns whether its claims would pass.
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
        issuer: this.config.jwtIssuer,
        audience: this.config.jwtAudience,
      });
      const { sub, role, iat } = payload;
      const exp = payload.exp!;
      if (
        typeof role !== 'string' ||
        !ROLES.includes(role as Role) ||
        !isPrincipalId(sub) ||
        tokenLifetime({ iat, exp }, Date.now() / 1000) > this.config.maxTokenHours * 3600
      ) {
        return { refused: 'invalid' };
      }
      return { principal: { role: role as Role, id: sub }, exp };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') return { refused: 'expired' };
      if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return { refused: 'bad-signature' };
      return { refused: 'invalid' };
    }
  }

  sign(principal: Principal, expiresIn = '12h'): Promise<string> {
    return signToken(this.key, principal, expiresIn, this.config);
  }
}

/** A token for the principal, with the issuer and audience the service requires, if any. */
export function signToken(
  key: Uint8Array,
  principal: Principal,
  expiresIn: string,
  { jwtIssuer, jwtAudience }: Pick<AppConfig, 'jwtIssuer' | 'jwtAudience'> = {},
): Promise<string> {
  const jwt = new SignJWT({ role: principal.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.id)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (jwtIssuer) jwt.setIssuer(jwtIssuer);
  if (jwtAudience) jwt.setAudience(jwtAudience);
  return jwt.sign(key);
}
