import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** IPv6 global unicast; anything outside it (the deprecated IPv4-compatible ::/96 included) is refused. */
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

/**
 * Whether webhooks may reach an address: public unicast only. Loopback, private, link-local,
 * carrier-grade NAT, multicast, reserved and the IPv6 forms that embed such addresses are not
 * (a webhook URL must not become a way into the service's own network).
 */
export function isPublicAddress(address: string): boolean {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() === 'unicast';
  return v6.range() === 'unicast' && v6.match(GLOBAL_UNICAST);
}

/** Why a webhook URL is refused, or undefined when it is fine as written (DNS is checked apart). */
export function urlProblem(raw: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    return allowPrivate ? 'url must be http or https' : 'url must be https';
  }
  if (url.username || url.password) return 'url must not carry credentials';
  if (url.hash) return 'url must not have a fragment';
  const host = hostOf(url);
  if (!allowPrivate && isIP(host) && !isPublicAddress(host)) {
    return 'url must not point to a loopback, private or reserved address';
  }
  return undefined;
}

/** The host as DNS or the socket sees it (IPv6 literals without their brackets). */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

const DNS_TIMEOUT_MS = 5_000;

/** Why a host's addresses are refused: `message` for the caller, `address` for the log only. */
export interface AddressProblem {
  message: string;
  /** The refused address the name resolved to; never told to the caller (it maps internal DNS). */
  address?: string;
}

/** Why the host's addresses are refused, or undefined (every address it resolves to is public). */
export async function resolvedAddressProblem(host: string): Promise<AddressProblem | undefined> {
  if (isIP(host)) return undefined;
  const addresses = await new Promise<LookupAddress[] | undefined>((resolve) => {
    // A resolver that does not answer is a host that does not resolve, not a hanging request.
    const timer = setTimeout(() => resolve(undefined), DNS_TIMEOUT_MS);
    lookup(host, { all: true }, (error, found) => {
      clearTimeout(timer);
      resolve(error ? undefined : found);
    });
  });
  if (!addresses || addresses.length === 0) return { message: `url host ${host} does not resolve` };
  const refused = addresses.find((entry) => !isPublicAddress(entry.address));
  return refused
    ? {
        message: `url host ${host} resolves to a loopback, private or reserved address`,
        address: refused.address,
      }
    : undefined;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that refuses non-public addresses: the check applies to the
 * address the socket really connects to, so DNS that changes its answer after the endpoint was
 * created (rebinding) gains nothing.
 */
export function publicOnlyLookup(
  hostname: string,
  options: LookupOptions,
  callback: LookupCallback,
): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused || addresses.length === 0) {
      const problem = new Error(
        `${hostname} resolves to a loopback, private or reserved address`,
      ) as NodeJS.ErrnoException;
      problem.code = 'ENOTPUBLIC';
      return callback(problem, []);
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}
