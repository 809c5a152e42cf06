import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PCMA, PCMU, throughCodec } from '../../simulator/engine/media/codec/index.js';
import { ConferenceMixer } from '../../simulator/engine/media/mixer/index.js';
import { FRAME_SAMPLES } from '../../simulator/engine/media/pcm/index.js';
import { ACTOR_FREQUENCIES, sineSource, tonesPresent } from '../../simulator/engine/media/tone/index.js';

const FRAMES = 25;

const participant = fc.record({
  muted: fc.boolean(),
  listenOnly: fc.boolean(),
  // Ranges in which up to five others at -20 dBm0 never clip, so no intermodulation product can
  // land on a listener's own frequency (the plan is a 100 Hz grid).
  talkSteps: fc.integer({ min: -2, max: 1 }),
  listenSteps: fc.integer({ min: -2, max: 0 }),
});

describe('conference mixer properties', () => {
  it('never returns a participant its own tone and always returns every unmuted other one', () => {
    fc.assert(
      fc.property(
        fc.array(participant, { minLength: 2, maxLength: 6 }),
        fc.shuffledSubarray([...ACTOR_FREQUENCIES], { minLength: 6, maxLength: 6 }),
        fc.constantFrom(PCMU, PCMA),
        (people, freqs, codec) => {
          const mixer = new ConferenceMixer();
          const ids = people.map((_, i) => `p${i}`);
          people.forEach((p, i) => mixer.add(ids[i]!, p));
          const sources = ids.map((_, i) => sineSource(freqs[i]!));
          const heard = ids.map(() => new Int16Array(FRAMES * FRAME_SAMPLES));
          for (let f = 0; f < FRAMES; f++) {
            // Each leg is G.711 in and out, as over RTP.
            const out = mixer.mix(new Map(ids.map((id, i) => [id, throughCodec(codec, sources[i]!())])));
            ids.forEach((id, i) => heard[i]!.set(throughCodec(codec, out.get(id)!), f * FRAME_SAMPLES));
          }
          const plan = freqs.slice(0, ids.length);
          ids.forEach((_, i) => {
            const expected = plan.filter((_, j) => j !== i && !people[j]!.muted && !people[j]!.listenOnly);
            expect(tonesPresent(heard[i]!, plan)).toEqual(expected);
          });
        },
      ),
    );
  });
});
