import { describe, expect, it } from 'vitest';
import { isNonPublicAddress, nonPublicAddressesOf } from './address.ts';

describe('outbound webhook target addresses', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '224.0.0.1'])('%s is not public', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(true);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:1.1.1.1'])('%s is public', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(false);
  });

  it('resolves names before judging them', async () => {
    expect(await nonPublicAddressesOf('localhost')).not.toEqual([]);
    expect(await nonPublicAddressesOf('[::1]')).toEqual(['::1']);
  });
});
