// `npm run -s token -- <role> <id> [expiry]`: prints a bearer token signed with the configured
// secret (AUTH_JWT_SECRET, or the development default), for local use with curl.
import { ROLES, Role } from '../apps/api/src/common/principal';
import { signToken } from '../apps/api/src/auth/token.service';
import { loadConfig } from '../apps/api/src/config/load-config';

async function main(): Promise<void> {
  const [role, id, expiry = '12h'] = process.argv.slice(2);
  if (!ROLES.includes(role as Role) || !id) {
    console.error(`usage: npm run -s token -- <${ROLES.join('|')}> <id> [expiry, e.g. 12h]`);
    process.exit(2);
  }
  const config = loadConfig();
  const key = new TextEncoder().encode(config.jwtSecret);
  console.log(await signToken(key, { role: role as Role, id }, expiry));
}

void main();
