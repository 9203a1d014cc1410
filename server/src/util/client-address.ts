/**
 * The client address that per-address limits count against (X-Forwarded-For only behind a trusted proxy), with an
 * IPv6 address counted by its /64.
 */
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

/**
 * The address a request came from. Behind a trusted proxy (TRUST_PROXY) that is the last X-Forwarded-For entry —
 * the one our proxy appended; earlier entries are whatever the client sent and prove nothing.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (!trustProxy) return normalise(peer);
  const header = req.headers['x-forwarded-for'];
  const value = Array.isArray(header) ? header.join(',') : header;
  const last = value?.split(',').pop()?.trim();
  return last && last.length <= 64 ? normalise(last) : normalise(peer);
}

/**
 * The key limits are counted under: an IPv4 address (IPv4-mapped IPv6 included) as is, an IPv6 address by its
 * /64 — one subscriber usually gets a whole /64, so counting single addresses would let them rotate freely.
 */
export function normalise(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::', 2) as [string, string?];
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}
