import { strict as assert } from 'node:assert';
import { checkAddress, embeddedIpv4, hostPort, isAllowListed, unbracket } from '../../src/media/address-policy';

/** The address a URL would connect to, as safeFetch sees it after WHATWG parsing. */
function urlAddress(url: string): string {
  return unbracket(new URL(url).hostname);
}

describe('media/address-policy', () => {
  const forbidden: ReadonlyArray<readonly [string, RegExp]> = [
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['10.0.0.1', /private/],
    ['10.255.255.255', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /link-local/],
    ['169.254.0.1', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['240.0.0.1', /reserved/],
    ['255.255.255.255', /reserved/],
    ['192.0.2.1', /reserved/],
    ['198.18.0.1', /reserved/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['::ffff:127.0.0.1', /IPv4-mapped/],
    ['::ffff:7f00:1', /IPv4-mapped/],
    ['::ffff:10.0.0.1', /IPv4-mapped/],
    ['::ffff:8.8.8.8', /IPv4-mapped/],
    ['0:0:0:0:0:ffff:7f00:1', /IPv4-mapped/],
    ['::7f00:1', /IPv4-compatible/],
    ['fc00::1', /unique-local/],
    ['fd12:3456::1', /unique-local/],
    ['fe80::1', /link-local/],
    ['febf::1', /link-local/],
    ['ff02::1', /multicast/],
    ['64:ff9b::7f00:1', /embeds 127\.0\.0\.1, a loopback/],
    ['64:ff9b::a9fe:a9fe', /embeds 169\.254\.169\.254/],
    ['64:ff9b::10.0.0.1', /embeds 10\.0\.0\.1, a private/],
    ['2002:7f00:1::1', /embeds 127\.0\.0\.1/],
    ['2002:c0a8:101::', /embeds 192\.168\.1\.1/],
    ['2001::1', /reserved/], // Teredo hides its IPv4 address
    ['2001:db8::1', /reserved/],
    ['not-an-ip', /not an IP address/],
  ];
  for (const [address, reason] of forbidden) {
    it(`refuses ${address}`, () => {
      const verdict = checkAddress(address);
      assert.equal(verdict.allowed, false);
      if (!verdict.allowed) assert.match(verdict.reason, reason);
    });
  }

  for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '172.15.255.255', '100.128.0.1', '169.255.0.1', '2606:4700:4700::1111', '64:ff9b::808:808', '2002:808:808::1']) {
    it(`allows the public address ${address}`, () => {
      assert.deepEqual(checkAddress(address), { allowed: true });
    });
  }

  it('sees through the spellings WHATWG URL normalizes (decimal, octal, hex, short, IPv6 forms)', () => {
    const cases: ReadonlyArray<readonly [string, string, RegExp]> = [
      ['http://2130706433/', '127.0.0.1', /loopback/],
      ['http://0177.0.0.1/', '127.0.0.1', /loopback/],
      ['http://0x7f.0.0.1/', '127.0.0.1', /loopback/],
      ['http://127.1/', '127.0.0.1', /loopback/],
      ['http://0/', '0.0.0.0', /unspecified/],
      ['http://012.1/', '10.0.0.1', /private/],
      ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1', /IPv4-mapped/],
      ['http://[0:0:0:0:0:ffff:7f00:1]/', '::ffff:7f00:1', /IPv4-mapped/],
      ['http://[::1]:6379/', '::1', /loopback/],
      ['http://[64:ff9b::127.0.0.1]/', '64:ff9b::7f00:1', /embeds 127\.0\.0\.1/],
      ['http://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254', /link-local/],
    ];
    for (const [url, normalized, reason] of cases) {
      const address = urlAddress(url);
      assert.equal(address, normalized, url);
      const verdict = checkAddress(address);
      assert.equal(verdict.allowed, false, url);
      if (!verdict.allowed) assert.match(verdict.reason, reason, url);
    }
  });

  it('extracts the IPv4 address of NAT64 and 6to4 forms only', () => {
    assert.equal(embeddedIpv4('64:ff9b::a00:1'), '10.0.0.1');
    assert.equal(embeddedIpv4('2002:a00:1::5'), '10.0.0.1');
    assert.equal(embeddedIpv4('2606:4700::1'), undefined);
    assert.equal(embeddedIpv4('10.0.0.1'), undefined);
  });

  describe('allow-list', () => {
    it('matches host:port exactly, with the default port written out and IPv6 in brackets', () => {
      assert.equal(hostPort(new URL('http://Example.COM/x')), 'example.com:80');
      assert.equal(hostPort(new URL('https://example.com/x')), 'example.com:443');
      assert.equal(hostPort(new URL('http://[::1]:8081/')), '[::1]:8081');
      assert.equal(isAllowListed(new URL('http://127.0.0.1:8081/a.ogg'), ['127.0.0.1:8081']), true);
      assert.equal(isAllowListed(new URL('http://[::1]:8081/'), ['[::1]:8081']), true);
      assert.equal(isAllowListed(new URL('http://LOCALHOST:9000/'), ['localhost:9000']), true);
    });

    it('opens only the listed pair: another port, another spelling of the host or another scheme stay closed', () => {
      const allow = ['127.0.0.1:8081'];
      assert.equal(isAllowListed(new URL('http://127.0.0.1:8082/'), allow), false);
      assert.equal(isAllowListed(new URL('http://localhost:8081/'), allow), false);
      assert.equal(isAllowListed(new URL('http://[::1]:8081/'), allow), false);
      assert.equal(isAllowListed(new URL('http://127.0.0.1/'), allow), false);
      // 2130706433 is normalized to 127.0.0.1 before matching: the same destination, the same answer.
      assert.equal(isAllowListed(new URL('http://2130706433:8081/'), allow), true);
    });
  });
});
