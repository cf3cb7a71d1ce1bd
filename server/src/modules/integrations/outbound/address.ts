import dns from 'node:dns/promises';
import net from 'node:net';

/**
 * Whether an IP address is not on the public internet: loopback, private (RFC 1918), carrier-grade
 * NAT, link-local (cloud metadata lives at 169.254.169.254), unique-local IPv6, unspecified, multicast.
 * Outbound webhooks refuse these targets unless allowed, so an admin-configured URL cannot be used to
 * reach services inside the network Patron runs in.
 */
export function isNonPublicAddress(ip: string): boolean {
  const v = net.isIP(ip);
  if (v === 4) {
    const [a = 0, b = 0] = ip.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a >= 224;
  }
  if (v === 6) {
    const x = ip.toLowerCase();
    if (x === '::' || x === '::1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(x);
    if (mapped?.[1]) return isNonPublicAddress(mapped[1]);
    return /^f[cd]/.test(x) || /^fe[89ab]/.test(x) || x.startsWith('ff');
  }
  return false;
}

/** The addresses a host name resolves to that are not public (empty when all are public). */
export async function nonPublicAddressesOf(hostname: string): Promise<string[]> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) return isNonPublicAddress(host) ? [host] : [];
  const found = await dns.lookup(host, { all: true });
  return found.map((f) => f.address).filter(isNonPublicAddress);
}
