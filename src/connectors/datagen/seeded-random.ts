import { generateMersenne53Randomizer } from '@faker-js/faker';
import randexpModule from 'randexp';

// randexp is CommonJS whose module.exports is the class itself; its typings declare an ES default.
const RandExp = randexpModule as unknown as typeof randexpModule.default;

const TWO_32 = 2 ** 32;

/**
 * Datagen's java.util.Random stand-in: reseedable (each record's offset stores the seed of the
 * next one, so a restarted task continues the same sequence). Seeds are whole numbers below 2^53.
 */
export class SeededRandom {
  private readonly randomizer = generateMersenne53Randomizer(0);

  constructor(seed: number) {
    this.setSeed(seed);
  }

  setSeed(seed: number): void {
    const s = Math.abs(Math.trunc(seed));
    this.randomizer.seed([s % TWO_32, Math.floor(s / TWO_32)]);
  }

  /** Uniform in [0, 1). */
  nextDouble(): number {
    return this.randomizer.next();
  }

  /** A fresh seed, 0 ≤ n < 2^53. */
  nextSeed(): number {
    return Math.floor(this.randomizer.next() * 2 ** 53);
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.randomizer.next() * n);
  }

  /** Any 32-bit signed integer, as java.util.Random.nextInt(). */
  nextInt(): number {
    return Math.floor(this.randomizer.next() * TWO_32) - 2 ** 31;
  }

  /** Any 64-bit signed integer, as java.util.Random.nextLong(). */
  nextLong(): bigint {
    const high = BigInt(Math.floor(this.randomizer.next() * TWO_32));
    const low = BigInt(Math.floor(this.randomizer.next() * TWO_32));
    return BigInt.asIntN(64, (high << 32n) | low);
  }
}

/** Stopping chance per extra repetition once a quantifier reached its target, as Generex behaves. */
const STOP_CHANCE = 0.35;
const TARGET_LENGTH = 8;

/**
 * Strings matching `pattern`. Datagen's Generex grows a string to at least 8 characters when the
 * pattern allows, so bounded repetitions come out long (`User_[1-9]{0,1}` → `User_4`,
 * `[a-zA-Z]{5,8}` → 8 letters); each quantifier here aims at 8 repetitions within its bounds.
 */
export function regexGenerator(pattern: string, random: SeededRandom): () => string {
  const generator = new RandExp(pattern);
  let nextIsRepetition = false;
  const generateToken = generator._gen.bind(generator);
  generator._gen = (token, groups) => {
    // randexp asks randInt for the count first thing when it expands a repetition token.
    if ('min' in token && 'max' in token) nextIsRepetition = true;
    return generateToken(token, groups);
  };
  generator.randInt = (low, high) => {
    if (!nextIsRepetition) return low + random.below(high - low + 1);
    nextIsRepetition = false;
    let count = TARGET_LENGTH;
    while (random.nextDouble() >= STOP_CHANCE && count < high) count++;
    return Math.max(low, Math.min(high, count));
  };
  return () => generator.gen();
}
