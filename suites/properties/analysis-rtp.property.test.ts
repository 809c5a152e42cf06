/**
 * RtpStreamAnalyzer under random loss, duplication and reordering of one stream (sequence numbers
 * starting anywhere, so some streams wrap): the counts it reports follow from what was done to the
 * stream. First and last packets stay in place, since tshark's loss is measured to the last packet
 * to arrive.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RtpStreamAnalyzer } from '../../simulator/analysis/index.js';
import { encodeRtp } from '../../simulator/engine/media/rtp/index.js';

const A = { address: '192.0.2.1', port: 4000 };
const B = { address: '192.0.2.2', port: 5000 };

const fate = fc.record({
  drop: fc.integer({ min: 0, max: 9 }),
  copies: fc.integer({ min: 0, max: 9 }),
  shift: fc.integer({ min: 0, max: 3 }),
  marker: fc.integer({ min: 0, max: 19 }),
});

describe('RTP stream counts under loss, duplication and reordering', () => {
  it('packets = sent - dropped + copies, duplicates = copies, lost = dropped - copies, markers counted with copies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.array(fate, { minLength: 2, maxLength: 400 }), (firstSeq, fates) => {
        const n = fates.length;
        const arrivals: { key: number; i: number }[] = [];
        let dropped = 0;
        let copies = 0;
        let markers = 0;
        fates.forEach((f, i) => {
          const end = i === 0 || i === n - 1;
          if (!end && f.drop === 0) {
            dropped++;
            return;
          }
          const key = i === 0 ? -1 : i === n - 1 ? n + 10 : i + f.shift;
          const copyCount = end ? 0 : f.copies === 0 ? 1 : f.copies === 1 ? 2 : 0;
          const marked = f.marker === 0;
          for (let c = 0; c <= copyCount; c++) {
            arrivals.push({ key: key + c * 0.25, i });
            if (marked) markers++;
          }
          copies += copyCount;
        });
        arrivals.sort((a, b) => a.key - b.key);
        const analyzer = new RtpStreamAnalyzer();
        arrivals.forEach((a, k) => {
          const data = encodeRtp({ payloadType: 0, marker: fates[a.i]!.marker === 0, sequenceNumber: (firstSeq + a.i) & 0xffff, timestamp: a.i * 160, ssrc: 9, payload: new Uint8Array(160) });
          analyzer.add({ time: k * 20, src: A, dst: B, data });
        });
        const [s] = analyzer.streams();
        expect(s).toMatchObject({ packets: n - dropped + copies, duplicates: copies, expected: n, lost: dropped - copies, markers, payloadTypes: [0], ssrcChanges: 0 });
        if (dropped === 0 && copies === 0 && arrivals.every((a, k) => a.i === k)) expect(s!.sequenceErrors).toBe(0);
        else expect(s!.sequenceErrors).toBeGreaterThan(0);
      }),
    );
  });
});
