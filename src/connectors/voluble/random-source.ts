import { base, en, Faker, generateMersenne53Randomizer, type Randomizer } from '@faker-js/faker';
import randexpModule from 'randexp';

// randexp is CommonJS and its module.exports is the class itself, while its typings declare an ES
// default export; Node hands us module.exports, so the namespace type is corrected here.
const RandExp = randexpModule as unknown as typeof randexpModule.default;

/**
 * One seeded source of randomness behind faker, regexify and the connector's own choices (rates,
 * history samples), so that one seed reproduces a whole run.
 */
export interface RandomSource {
  readonly faker: Faker;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  below(n: number): number;
  /** A generator of strings matching `pattern` (randexp, which handles groups and alternation). */
  regex(pattern: string): () => string;
}

export function createRandomSource(seed: number | null): RandomSource {
  const randomizer: Randomizer = generateMersenne53Randomizer(seed ?? Math.floor(Math.random() * 2 ** 32));
  const faker = new Faker({ locale: [en, base], randomizer });
  const next = () => randomizer.next();
  return {
    faker,
    next,
    below: (n) => Math.floor(next() * n),
    regex(pattern) {
      const generator = new RandExp(pattern);
      generator.randInt = (low, high) => low + Math.floor(next() * (high - low + 1));
      return () => generator.gen();
    },
  };
}
