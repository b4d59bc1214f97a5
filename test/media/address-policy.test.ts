import { strict as assert } from 'node:assert';
import { checkAddress, embeddedIpv4, hostPort, isAllowListed, unbracket } from '../../src/media/address-policy';

/** The address a URL would connect to, as safeFetch sees it after WHATWG parsing. */
function urlAddress(url: string): string {
  return unbracket(new URL(url).hostname);
}

describe('media/address-policy', () => {
  /** Every address form the policy refuses, one row each, with the words its reason must contain. */
  const forbidden: ReadonlyArray<readonly [form: string, address: string, reason: RegExp]> = [
    ['IPv4 loopback', '127.0.0.1', /127\.0\.0\.1 is a loopback address/],
    ['IPv4 loopback, top of the /8', '127.255.255.254', /loopback/],
    ['IPv4 unspecified', '0.0.0.0', /unspecified/],
    ['IPv4 "this network"', '0.1.2.3', /unspecified/],
    ['IPv4 private 10/8', '10.0.0.1', /private/],
    ['IPv4 private 10/8, top', '10.255.255.255', /private/],
    ['IPv4 private 172.16/12', '172.16.0.1', /private/],
    ['IPv4 private 172.16/12, top', '172.31.255.255', /private/],
    ['IPv4 private 192.168/16', '192.168.1.1', /private/],
    ['IPv4 link-local (cloud metadata)', '169.254.169.254', /169\.254\.169\.254 is a link-local \(cloud metadata\) address/],
    ['IPv4 link-local', '169.254.0.1', /link-local/],
    ['IPv4 CGNAT', '100.64.0.1', /carrier-grade NAT/],
    ['IPv4 CGNAT, top', '100.127.255.255', /carrier-grade NAT/],
    ['IPv4 multicast', '224.0.0.1', /multicast/],
    ['IPv4 multicast (SSDP)', '239.255.255.250', /multicast/],
    ['IPv4 broadcast', '255.255.255.255', /broadcast/],
    ['IPv4 reserved 240/4', '240.0.0.1', /reserved/],
    ['IPv4 IETF protocol assignments', '192.0.0.8', /reserved/],
    ['IPv4 TEST-NET-1', '192.0.2.1', /reserved/],
    ['IPv4 TEST-NET-2', '198.51.100.7', /reserved/],
    ['IPv4 TEST-NET-3', '203.0.113.9', /reserved/],
    ['IPv4 benchmarking', '198.18.0.1', /reserved/],
    ['IPv4 6to4 relay anycast', '192.88.99.1', /reserved/],
    ['IPv4 AS112', '192.175.48.1', /AS112/],
    ['IPv4 AMT', '192.52.193.1', /AMT/],
    ['IPv6 loopback', '::1', /::1 is a loopback address/],
    ['IPv6 unspecified', '::', /unspecified/],
    ['IPv6 unique-local fc00::/7', 'fc00::1', /unique-local/],
    ['IPv6 unique-local fd00::/8', 'fd12:3456::1', /unique-local/],
    ['IPv6 site-local (deprecated)', 'fec0::1', /site-local/],
    ['IPv6 link-local', 'fe80::1', /link-local/],
    ['IPv6 link-local, top of the /10', 'febf::1', /link-local/],
    ['IPv6 link-local with a zone', 'fe80::1%eth0', /link-local/],
    ['IPv6 multicast', 'ff02::1', /multicast/],
    ['IPv6 multicast, global scope', 'ff0e::1', /multicast/],
    ['IPv6 documentation', '2001:db8::1', /reserved/],
    ['IPv6 discard-only', '100::1', /discard-only/],
    ['IPv6 benchmarking', '2001:2::1', /benchmarking/],
    ['IPv6 ORCHIDv2', '2001:20::1', /ORCHID/],
    ['IPv4-mapped, dotted', '::ffff:127.0.0.1', /IPv4-mapped/],
    ['IPv4-mapped, hex', '::ffff:7f00:1', /IPv4-mapped/],
    ['IPv4-mapped, private', '::ffff:10.0.0.1', /IPv4-mapped/],
    ['IPv4-mapped, even of a public address', '::ffff:8.8.8.8', /IPv4-mapped/],
    ['IPv4-mapped, written out', '0:0:0:0:0:ffff:7f00:1', /IPv4-mapped/],
    ['IPv4-translated, dotted', '::ffff:0:127.0.0.1', /IPv4-translated/],
    ['IPv4-translated, hex', '::ffff:0:a9fe:a9fe', /IPv4-translated/],
    ['IPv4-translated, even of a public address', '::ffff:0:8.8.8.8', /IPv4-translated/],
    ['IPv4-compatible (deprecated)', '::7f00:1', /IPv4-compatible/],
    // ipaddr.js reads this spelling as mapped; URLs and DNS never produce it (see the next block).
    ['IPv4-compatible, dotted', '::10.0.0.1', /IPv4-(compatible|mapped)/],
    ['IPv4-compatible, hex (what a URL normalizes ::10.0.0.1 to)', '::a00:1', /IPv4-compatible/],
    ['NAT64 of loopback', '64:ff9b::7f00:1', /embeds 127\.0\.0\.1, a loopback address/],
    ['NAT64 of the metadata address', '64:ff9b::a9fe:a9fe', /embeds 169\.254\.169\.254, a link-local/],
    ['NAT64 of a private address, dotted', '64:ff9b::10.0.0.1', /embeds 10\.0\.0\.1, a private address/],
    ['NAT64 of CGNAT', '64:ff9b::100.64.0.1', /embeds 100\.64\.0\.1, a carrier-grade NAT/],
    ['NAT64 local-use prefix', '64:ff9b:1::808:808', /local-use NAT64/],
    ['6to4 of loopback', '2002:7f00:1::1', /6to4 address \(a tunnel to 127\.0\.0\.1\)/],
    ['6to4 of a private address', '2002:c0a8:101::', /6to4 address \(a tunnel to 192\.168\.1\.1\)/],
    ['6to4 of a public address', '2002:808:808::1', /6to4/],
    ['Teredo', '2001::1', /Teredo/],
    ['Teredo with a server and client', '2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
    ['not an IP', 'not-an-ip', /not an IP address/],
    ['an IPv4 literal ipaddr.js alone would read (hex)', '0x7f.1', /not an IP address/],
    ['an IPv4 literal ipaddr.js alone would read (octal)', '0177.0.0.1', /not an IP address/],
  ];
  for (const [form, address, reason] of forbidden) {
    it(`refuses ${form}: ${address}`, () => {
      const verdict = checkAddress(address);
      assert.equal(verdict.allowed, false);
      if (!verdict.allowed) assert.match(verdict.reason, reason);
    });
  }

  const allowed: ReadonlyArray<readonly [form: string, address: string]> = [
    ['public IPv4', '8.8.8.8'],
    ['public IPv4', '1.1.1.1'],
    ['just above 172.16/12', '172.32.0.1'],
    ['just below 172.16/12', '172.15.255.255'],
    ['just above CGNAT', '100.128.0.1'],
    ['just above link-local', '169.255.0.1'],
    ['just below multicast', '223.255.255.254'],
    ['public IPv6', '2606:4700:4700::1111'],
    ['public IPv6, bracketed as in a URL', '[2a00:1450:4001:80b::200e]'],
    ['NAT64 of a public address (DNS64)', '64:ff9b::808:808'],
    ['NAT64 of a public address, dotted', '64:ff9b::1.1.1.1'],
  ];
  for (const [form, address] of allowed) {
    it(`allows ${form}: ${address}`, () => {
      assert.deepEqual(checkAddress(address), { allowed: true });
    });
  }

  it('sees through the spellings WHATWG URL normalizes (decimal, octal, hex, short, IPv6 forms)', () => {
    const cases: ReadonlyArray<readonly [string, string, RegExp]> = [
      ['http://2130706433/', '127.0.0.1', /loopback/],
      ['http://0177.0.0.1/', '127.0.0.1', /loopback/],
      ['http://0x7f.0.0.1/', '127.0.0.1', /loopback/],
      ['http://0x7f000001/', '127.0.0.1', /loopback/],
      ['http://017700000001/', '127.0.0.1', /loopback/],
      ['http://127.1/', '127.0.0.1', /loopback/],
      ['http://0/', '0.0.0.0', /unspecified/],
      ['http://012.1/', '10.0.0.1', /private/],
      ['http://3232235777/', '192.168.1.1', /private/],
      ['http://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254', /link-local/],
      ['http://0251.0376.0251.0376/', '169.254.169.254', /link-local/],
      ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1', /IPv4-mapped/],
      ['http://[0:0:0:0:0:ffff:7f00:1]/', '::ffff:7f00:1', /IPv4-mapped/],
      ['http://[::ffff:0:127.0.0.1]/', '::ffff:0:7f00:1', /IPv4-translated/],
      ['http://[::1]:6379/', '::1', /loopback/],
      ['http://[0:0:0:0:0:0:0:1]/', '::1', /loopback/],
      ['http://[64:ff9b::127.0.0.1]/', '64:ff9b::7f00:1', /embeds 127\.0\.0\.1/],
      ['http://[2002:7f00:1::]/', '2002:7f00:1::', /6to4/],
      ['http://[FE80::1]/', 'fe80::1', /link-local/],
      ['http://[::10.0.0.1]/', '::a00:1', /IPv4-compatible/],
    ];
    for (const [url, normalized, reason] of cases) {
      const address = urlAddress(url);
      assert.equal(address, normalized, url);
      const verdict = checkAddress(address);
      assert.equal(verdict.allowed, false, url);
      if (!verdict.allowed) assert.match(verdict.reason, reason, url);
    }
  });

  it('extracts the IPv4 address of the well-known NAT64 prefix only', () => {
    assert.equal(embeddedIpv4('64:ff9b::a00:1'), '10.0.0.1');
    assert.equal(embeddedIpv4('64:ff9b::8.8.4.4'), '8.8.4.4');
    assert.equal(embeddedIpv4('2002:a00:1::5'), undefined);
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
