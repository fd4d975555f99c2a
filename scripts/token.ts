// `npm run -s token -- <role> <id> [expiry]`: prints a bearer token for local use with curl,
// signed as the service checks it: with AUTH_JWT_SECRET (or, unset, the secret generated for this
// checkout under DATA_DIR), with AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE when set, and living at
// most AUTH_MAX_TOKEN_HOURS.
import { decodeJwt } from 'jose';
import { ROLES, Role } from '../apps/api/src/common/principal';
import { signingKey, signToken, tokenLifetime } from '../apps/api/src/auth/token.service';
import { loadConfig } from '../apps/api/src/config/load-config';

async function main(): Promise<void> {
  const config = loadConfig();
  const maxSeconds = config.maxTokenHours * 3600;
  const [role, id, expiry = `${Math.min(12 * 3600, maxSeconds)}s`] = process.argv.slice(2);
  if (!ROLES.includes(role as Role) || !id) {
    console.error(`usage: npm run -s token -- <${ROLES.join('|')}> <id> [expiry, e.g. 12h]`);
    process.exit(2);
  }
  const token = await signToken(signingKey(config), { role: role as Role, id }, expiry, config);
  const claims = decodeJwt(token);
  if (tokenLifetime({ iat: claims.iat, exp: claims.exp! }, claims.iat!) > maxSeconds) {
    console.error(`expiry ${expiry} is longer than AUTH_MAX_TOKEN_HOURS (${config.maxTokenHours})`);
    process.exit(2);
  }
  console.log(token);
}

void main();
