// @vitest-environment node
// The WebAssembly verifier (the project's C++ built by web/wasm/build.sh) on
// the published vectors, the project's own known answers, and envelopes the
// fog binary makes: intact, tampered, reordered, spliced, foreign-key.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  Fog,
  fromHex,
  patterned,
  repoRoot,
  unsignedEnvelope,
  vectorsDir,
  encodeMap,
  withField,
  type Publisher,
} from './test_support';
import {
  loadVerifier,
  Reasons,
  toHex,
  type CertificateTrust,
  type PacketVerdict,
  type Verifier,
} from './verifier';

let verifier: Verifier;

beforeAll(async () => {
  verifier = await loadVerifier();
});

function statuses(verdicts: PacketVerdict[]): string[] {
  return verdicts.map((v) => `${v.index}:${v.status}${v.reason ? `:${v.reason}` : ''}`);
}

describe('primitives on known answers', () => {
  it('SIS digest matches the known answers of the independent Python model', () => {
    const pattern = new Uint8Array(1024).map((_, i) => i & 0xff);
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'dc6a7cbbbc8a27faec45905168764cc0df43c44e0b5e30a414209ba86c14e0c892ea9d0f5dbca564962ad7ffed3f30e00f4462b637db0382de93a7f28d2a858b0000000000000000'],
      [new TextEncoder().encode('abc'), '8be20d70255b6e94cc1cf1c465060990b30f4fee0891bd835c1fb83539e1dccb5ddde17b27c4e959eba811184ec4300ddf58b2904d5db3dc13e44b69580807830000000000000000'],
      [pattern, '1698ab820245c64030d1f62dc35e4d6ba39f10f419f30fbad67e3588fa71bd74a9291095cea64c72ef02cbc49902529363a6dd7b12e3fd0a437bf8d2d36fb55e0000000000000000'],
    ];
    for (const [msg, hex] of cases) expect(toHex(verifier.sisDigest(msg))).toBe(hex);
  });

  it('SWIFFT compression matches every published vector', () => {
    const file = JSON.parse(readFileSync(path.join(vectorsDir, 'swifft', 'vectors.json'), 'utf8')) as {
      vectors: { input: string; output_72: string }[];
    };
    expect(file.vectors.length).toBe(22);
    for (const v of file.vectors) {
      expect(toHex(verifier.swifftCompress(fromHex(v.input)))).toBe(v.output_72);
    }
  });

  it('ML-DSA-44 verify agrees with every external/pure sigVer case of the ACVP vectors', () => {
    const dir = path.join(vectorsDir, 'ml-dsa', 'ML-DSA-sigVer-FIPS204');
    const prompt = JSON.parse(readFileSync(path.join(dir, 'prompt.json'), 'utf8'));
    const expected = JSON.parse(readFileSync(path.join(dir, 'expectedResults.json'), 'utf8'));
    const passed = new Map<string, boolean>();
    for (const g of expected.testGroups) {
      for (const t of g.tests) passed.set(`${g.tgId}/${t.tcId}`, t.testPassed);
    }
    let ran = 0;
    let valid = 0;
    for (const g of prompt.testGroups) {
      if (g.parameterSet !== 'ML-DSA-44' || g.signatureInterface !== 'external' || g.preHash !== 'pure') continue;
      for (const t of g.tests) {
        const ok = verifier.verifyMlDsa44(fromHex(t.pk), fromHex(t.message), fromHex(t.context), fromHex(t.signature));
        expect(ok, `tcId ${t.tcId}`).toBe(passed.get(`${g.tgId}/${t.tcId}`));
        ran += 1;
        if (ok) valid += 1;
      }
    }
    expect(ran).toBe(15);
    expect(valid).toBeGreaterThan(0); // both outcomes are exercised
    expect(valid).toBeLessThan(ran);
  });

  it('chain link and envelope decoding match src/wire/envelope_kat.h', () => {
    const kat = readFileSync(path.join(repoRoot, 'src', 'wire', 'envelope_kat.h'), 'utf8');
    const constant = (name: string) => {
      const m = new RegExp(`${name}\\[\\] =([^;]*);`).exec(kat);
      if (!m?.[1]) throw new Error(`${name} not in envelope_kat.h`);
      return [...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]).join('');
    };
    const id = constant('kVideoId');
    const d1 = fromHex(constant('kDigest1Hex'));
    const link1 = verifier.chainLink(id, 1, 2, d1, new Uint8Array(72));
    expect(toHex(link1)).toBe(constant('kLink1Hex'));
    const d2 = fromHex(constant('kDigest2Hex'));
    expect(toHex(verifier.chainLink(id, 2, 2, d2, link1))).toBe(constant('kLink2Hex'));

    const decoded = verifier.decodeEnvelope(fromHex(constant('kEnvelope1Hex')));
    expect(decoded.ok).toBe(true);
    expect(decoded.videoId).toBe(id);
    expect(decoded.packetNumber).toBe(1);
    expect(decoded.totalPackets).toBe(2);
    expect(decoded.digestHex).toBe(constant('kDigest1Hex'));
    expect(decoded.keyIdHex).toBe(constant('kKeyIdHex'));
  });

  it('rejects malformed envelopes with a reason', () => {
    const bad = verifier.decodeEnvelope(new Uint8Array([1, 2, 3]));
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/trailing|map/);
    expect(() => verifier.chainLink('x', 1.5, 1, new Uint8Array(72), new Uint8Array(72))).toThrow();
  });
});

describe('streams made by the fog binary', () => {
  let fog: Fog;
  let alice: Publisher;
  let mallory: Publisher;
  const video = 'web-verify-1';

  beforeAll(() => {
    fog = new Fog();
    alice = fog.publisher('alice');
    mallory = fog.publisher('mallory');
  });

  const trusted = () => [{ keyIdHex: alice.keyIdHex, publicKey: alice.publicKey }];

  it('per-packet mode: every packet verified, media exactly the data, links as the CLI computes', () => {
    const packets = fog.stream(alice, video, [1000, 65536, 10, 0]);
    const s = verifier.newStream(video, trusted());
    for (const p of packets) {
      const [v, ...rest] = s.push(p.number, p.envelope);
      expect(rest).toEqual([]);
      expect(v?.status).toBe('verified');
      expect(v?.media).toEqual(p.data);
      expect(v?.linkHex).toBe(p.linkHex);
      expect(v?.keyIdHex).toBe(alice.keyIdHex);
      expect(v?.digestHex).toBe(toHex(verifier.sisDigest(p.data)));
      expect(v?.totalPackets).toBe(4);
    }
    expect(s.finish()).toEqual([]);
    s.dispose();
  });

  it('altered data: digest mismatch, no media; the rest still verifies', () => {
    const packets = fog.stream(alice, video, [500, 500, 500]);
    const data = packets[1]!.data.slice();
    data[100]! ^= 1;
    const s = verifier.newStream(video, trusted());
    const out = packets.flatMap((p) => s.push(p.number, p.number === 2 ? withField(p.envelope, 'data', data) : p.envelope));
    expect(statuses(out)).toEqual(['1:verified', `2:invalid:${Reasons.digest}`, '3:verified']);
    expect(out[1]!.media).toBeUndefined();
  });

  it('altered digest too: bad signature', () => {
    const packets = fog.stream(alice, video, [300, 300]);
    const data = packets[1]!.data.slice();
    data[0]! ^= 0x80;
    const forged = withField(withField(packets[1]!.envelope, 'data', data), 'd', verifier.sisDigest(data));
    const s = verifier.newStream(video, trusted());
    expect(statuses([...s.push(1, packets[0]!.envelope), ...s.push(2, forged)])).toEqual([
      '1:verified',
      `2:invalid:${Reasons.badSignature}`,
    ]);
  });

  it('reordered packets: a packet served in the place of another, and a number going back', () => {
    const packets = fog.stream(alice, video, [100, 100, 100]);
    const s = verifier.newStream(video, trusted());
    const out = [
      ...s.push(1, packets[0]!.envelope),
      ...s.push(2, packets[2]!.envelope), // packet 3 served as packet 2
      ...s.push(3, packets[1]!.envelope), // and packet 2 as 3
      ...s.push(1, packets[0]!.envelope), // a number that was already pushed
    ];
    expect(statuses(out)).toEqual([
      '1:verified',
      `2:invalid:${Reasons.reordered}`,
      `3:invalid:${Reasons.reordered}`,
      `1:invalid:${Reasons.reordered}`,
    ]);
  });

  it('renumbered packet (number rewritten in the envelope): bad signature', () => {
    const packets = fog.stream(alice, video, [100, 100, 100]);
    const s = verifier.newStream(video, trusted());
    s.push(1, packets[0]!.envelope);
    const renumbered = withField(packets[2]!.envelope, 'packet_number', 2);
    expect(statuses(s.push(2, renumbered))).toEqual([`2:invalid:${Reasons.badSignature}`]);
  });

  it('spliced packet from another recording of the same video: chain break', () => {
    const a = fog.stream(alice, video, [100, 100]);
    const other = fog.stream(alice, video, [200, 200]);
    const s = verifier.newStream(video, trusted());
    expect(statuses([...s.push(1, a[0]!.envelope), ...s.push(2, other[1]!.envelope)])).toEqual([
      '1:verified',
      `2:invalid:${Reasons.chainBreak}`,
    ]);
    // A first packet that does not start from the genesis link breaks the chain too.
    const s2 = verifier.newStream(video, trusted());
    const notGenesis = fog.sign(alice, video, 1, 1, patterned(10, 9), a[0]!.linkHex);
    expect(statuses(s2.push(1, notGenesis.envelope))).toEqual([`1:invalid:${Reasons.chainBreak}`]);
  });

  it('foreign key: unknown key, and the key id is reported', () => {
    const packets = fog.stream(mallory, video, [100]);
    const s = verifier.newStream(video, trusted());
    const [v] = s.push(1, packets[0]!.envelope);
    expect(v?.status).toBe('invalid');
    expect(v?.reason).toBe(Reasons.unknownKey);
    expect(v?.keyIdHex).toBe(mallory.keyIdHex);
    expect(v?.media).toBeUndefined();
  });

  it('a packet of another video: wrong video id', () => {
    const packets = fog.stream(alice, 'another-video', [100]);
    const s = verifier.newStream(video, trusted());
    expect(statuses(s.push(1, packets[0]!.envelope))).toEqual([`1:invalid:${Reasons.wrongVideo}`]);
  });

  it('garbage and seed payloads: malformed and legacy format', () => {
    const s = verifier.newStream(video, trusted());
    const [bad] = s.push(1, new Uint8Array([0xc1, 0, 1]));
    expect(bad?.status).toBe('invalid');
    expect(bad?.reason).toBe(Reasons.malformed);
    expect(bad?.detail).toBeTruthy();
    const seed = encodeMap([
      ['video_id', video],
      ['packet_number', 2],
      ['total_packets', 0],
      ['data', new Uint8Array(4)],
    ]);
    expect(statuses(s.push(2, seed))).toEqual([`2:unsigned:${Reasons.legacy}`]);
  });

  it('refuses a key whose id does not match', () => {
    expect(() => verifier.newStream(video, [{ keyIdHex: mallory.keyIdHex, publicKey: alice.publicKey }])).toThrow(/id/);
    expect(() => verifier.newStream(video, [{ keyIdHex: alice.keyIdHex, publicKey: new Uint8Array(5) }])).toThrow(/public key/);
  });

  describe('amortized mode', () => {
    const sizes = [700, 800, 900, 1000];

    it('pending packets are settled verified by the covering signature', () => {
      const envs = fog.amortized(alice, video, sizes);
      const s = verifier.newStream(video, trusted());
      expect(statuses(s.push(1, envs[0]!))).toEqual(['1:pending']);
      expect(statuses(s.push(2, envs[1]!))).toEqual(['2:pending']);
      expect(statuses(s.push(3, envs[2]!))).toEqual(['3:pending']);
      const settled = s.push(4, envs[3]!);
      expect(statuses(settled)).toEqual(['1:verified', '2:verified', '3:verified', '4:verified']);
      settled.forEach((v, i) => {
        expect(v.media).toEqual(patterned(sizes[i]!, i + 1));
        expect(v.keyIdHex).toBe(alice.keyIdHex);
        expect(v.linkHex).toHaveLength(144);
      });
      expect(settled[3]!.prevLinkHex).toBe('0'.repeat(144));
    });

    it('an altered unsigned packet makes its whole segment invalid', () => {
      const envs = fog.amortized(alice, video, sizes);
      const tampered = unsignedEnvelope(video, 2, 4, patterned(800, 77));
      const s = verifier.newStream(video, trusted());
      const out = [...s.push(1, envs[0]!), ...s.push(2, tampered), ...s.push(3, envs[2]!), ...s.push(4, envs[3]!)];
      expect(statuses(out.filter((v) => v.status !== 'pending'))).toEqual(
        [1, 2, 3, 4].map((n) => `${n}:invalid:${Reasons.badSignature}`),
      );
      expect(out.some((v) => v.media)).toBe(false);
    });

    it('a gap leaves the segment unsigned: its signature cannot be checked', () => {
      const envs = fog.amortized(alice, video, sizes);
      const s = verifier.newStream(video, trusted());
      const out = [...s.push(1, envs[0]!), ...s.push(3, envs[2]!), ...s.push(4, envs[3]!)];
      expect(statuses(out)).toEqual([
        '1:pending',
        `1:unsigned:${Reasons.segmentGap}`,
        '3:pending',
        `3:unsigned:${Reasons.segmentGap}`,
        `4:unsigned:${Reasons.segmentGap}`,
      ]);
    });

    it('a stream that ends without a signature: unsigned', () => {
      const envs = fog.amortized(alice, video, sizes);
      const s = verifier.newStream(video, trusted());
      s.push(1, envs[0]!);
      s.push(2, envs[1]!);
      expect(statuses(s.finish())).toEqual([`1:unsigned:${Reasons.notCovered}`, `2:unsigned:${Reasons.notCovered}`]);
    });

    it('the closing packet signed by a foreign key: the whole segment is invalid', () => {
      const envs = fog.amortized(mallory, video, sizes);
      const s = verifier.newStream(video, trusted());
      const out = envs.flatMap((e, i) => s.push(i + 1, e)).filter((v) => v.status !== 'pending');
      expect(statuses(out)).toEqual([1, 2, 3, 4].map((n) => `${n}:invalid:${Reasons.unknownKey}`));
    });
  });
});

describe('publisher certificates made by `fog publisher add`', () => {
  // Two fogs: "home" certifies cam (prefix cam-), old (already expired) and
  // gone (revoked); "other" certifies stranger. The packets carry their
  // certificates ("c"), signed by `fog packet sign --cert`.
  let fog: Fog;
  let home: string;
  let other: string;
  let cam: Publisher;
  let old: Publisher;
  let gone: Publisher;
  let stranger: Publisher;
  let homeAuthority: { keyIdHex: string; publicKey: Uint8Array };
  let otherAuthority: { keyIdHex: string; publicKey: Uint8Array };
  let homeRevocations: Uint8Array;
  let otherRevocations: Uint8Array;

  beforeAll(() => {
    fog = new Fog();
    home = path.join(fog.dir, 'home');
    other = path.join(fog.dir, 'other');
    cam = fog.certifiedPublisher(home, 'cam', ['--prefix', 'cam-']);
    old = fog.certifiedPublisher(home, 'old', ['--valid-days', '0']);
    gone = fog.certifiedPublisher(home, 'gone');
    fog.run(['publisher', 'revoke', 'gone', '--dir', home]);
    stranger = fog.certifiedPublisher(other, 'stranger');
    fog.certifiedPublisher(other, 'other-gone');
    fog.run(['publisher', 'revoke', 'other-gone', '--dir', other]);
    homeAuthority = fog.authority(home, cam.certFile!);
    otherAuthority = fog.authority(other, stranger.certFile!);
    homeRevocations = new Uint8Array(readFileSync(path.join(home, 'trust', 'fog.revocations')));
    otherRevocations = new Uint8Array(readFileSync(path.join(other, 'trust', 'fog.revocations')));
  });

  // What the player hands the verifier from GET /keys of the home fog.
  const homeTrust = (): CertificateTrust => ({ authorities: [homeAuthority], revocations: [homeRevocations] });

  function one(pub: Publisher, videoId: string, trust = homeTrust()): PacketVerdict {
    const p = fog.sign(pub, videoId, 1, 1, patterned(300, 5));
    const s = verifier.newStream(videoId, [], trust);
    const verdicts = s.push(1, p.envelope);
    s.dispose();
    expect(verdicts).toHaveLength(1);
    return verdicts[0]!;
  }

  it('a valid certificate of a trusted fog: verified, naming the publisher', () => {
    const packets = fog.stream(cam, 'cam-1', [500, 600]);
    const s = verifier.newStream('cam-1', [], homeTrust());
    expect(s.refusedRevocations).toEqual([]);
    for (const p of packets) {
      const [v] = s.push(p.number, p.envelope);
      expect(v?.status).toBe('verified');
      expect(v?.publisher).toBe('cam');
      expect(v?.media).toEqual(p.data);
    }
  });

  it('a revoked certificate: refused as revoked once the signed list is given', () => {
    const v = one(gone, 'any-1');
    expect(v.status).toBe('invalid');
    expect(v.reason).toBe(Reasons.revoked);
    expect(v.detail).toMatch(/publisher gone \(serial \d+\)/);
    expect(v.media).toBeUndefined();
    // Without the list the same packet verifies: the list is what refuses.
    expect(one(gone, 'any-1', { authorities: [homeAuthority], revocations: [] }).status).toBe('verified');
  });

  it('an expired certificate, and one checked at a time before it was valid', () => {
    const expired = one(old, 'any-2');
    expect(expired.status).toBe('invalid');
    expect(expired.reason).toBe(Reasons.expired);
    expect(expired.detail).toMatch(/publisher old/);
    const early = one(cam, 'cam-2', { ...homeTrust(), nowSeconds: 1000 });
    expect(early.reason).toBe(Reasons.notYetValid);
    const late = one(cam, 'cam-2', { ...homeTrust(), nowSeconds: 4102444800 });
    expect(late.reason).toBe(Reasons.expired);
  });

  it('a video id outside the certificate prefix', () => {
    const v = one(cam, 'dog-1');
    expect(v.status).toBe('invalid');
    expect(v.reason).toBe(Reasons.outsidePrefix);
    expect(v.detail).toMatch(/dog-1 is outside the prefix 'cam-'/);
  });

  it('a certificate of another fog: unknown authority', () => {
    const v = one(stranger, 'any-3');
    expect(v.status).toBe('invalid');
    expect(v.reason).toBe(Reasons.unknownAuthority);
    expect(v.publisher).toBeUndefined();
    expect(one(stranger, 'any-3', { authorities: [otherAuthority], revocations: [] }).publisher).toBe('stranger');
  });

  it("another fog's revocation list is refused and revokes nothing", () => {
    const s = verifier.newStream('cam-3', [], { authorities: [homeAuthority], revocations: [otherRevocations] });
    expect(s.refusedRevocations).toHaveLength(1);
    expect(s.refusedRevocations[0]).toMatch(/revocation list 1: /);
    const [v] = s.push(1, fog.sign(cam, 'cam-3', 1, 1, patterned(10, 1)).envelope);
    expect(v?.status).toBe('verified');
    s.dispose();
    expect(() => verifier.newStream('cam-3', [], { authorities: [{ ...homeAuthority, keyIdHex: otherAuthority.keyIdHex }] })).toThrow(/fog key/);
  });

  it('bare keys keep working beside fog keys', () => {
    const bare = fog.publisher('bare');
    const p = fog.sign(bare, 'bare-1', 1, 1, patterned(50, 2));
    const s = verifier.newStream('bare-1', [{ keyIdHex: bare.keyIdHex, publicKey: bare.publicKey }], homeTrust());
    const [v] = s.push(1, p.envelope);
    expect(v?.status).toBe('verified');
    expect(v?.publisher).toBeUndefined();
    s.dispose();
  });
});
