import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isAbsoluteForm, parseAuthority, proxyToken } from './egress-proxy.js';

const request = (url: string, headers: Record<string, string> = {}) =>
  ({ url, headers }) as unknown as IncomingMessage;

describe('broker/egress-proxy', () => {
  it('reads CONNECT targets as host:port and refuses anything else', () => {
    expect(parseAuthority('registry.npmjs.org:443')).toEqual({
      host: 'registry.npmjs.org',
      port: 443,
    });
    expect(parseAuthority('[2001:db8::1]:443')).toEqual({ host: '2001:db8::1', port: 443 });
    for (const bad of [
      'registry.npmjs.org',
      'a:0',
      'a:65536',
      'user@host:443',
      '<!here>:443',
      'a b:1',
    ])
      expect(parseAuthority(bad), bad).toBeUndefined();
  });

  it('takes the egress token from the password of Proxy-Authorization: Basic only', () => {
    const basic = Buffer.from('job:asegress_secret').toString('base64');

    expect(proxyToken(request('x', { 'proxy-authorization': `Basic ${basic}` }))).toBe(
      'asegress_secret',
    );
    expect(proxyToken(request('x', { authorization: `Basic ${basic}` }))).toBeUndefined();
    expect(proxyToken(request('x', { 'proxy-authorization': 'Bearer asegress_secret' }))).toBe(
      undefined,
    );
  });

  it('tells proxy requests (absolute form) from broker routes', () => {
    expect(isAbsoluteForm(request('http://registry.npmjs.org/left-pad'))).toBe(true);
    expect(isAbsoluteForm(request('/rest/github/repos/acme/app'))).toBe(false);
  });
});
