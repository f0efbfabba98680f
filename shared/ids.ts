import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_DIGITS = 16;

let lastTime = -1;
let lastRandom: number[] = [];

/**
 * Time-sortable unique id (ULID layout: 48-bit milliseconds + 80 random bits, Crockford base32, 26 chars), so ids of
 * timeline entries, events and imports sort by creation time in sort keys. Monotonic within a process: ids made in the
 * same millisecond increment the random part, so two history entries written for one instant (a consent import's email
 * and SMS choices) keep the order they were written in.
 */
export function newId(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const random = now === lastTime ? incremented(lastRandom) : freshRandom();
  lastTime = now;
  lastRandom = random;
  return time + random.map((digit) => CROCKFORD[digit]).join('');
}

function freshRandom(): number[] {
  const bytes = randomBytes(RANDOM_DIGITS);
  // The top digit stays below 16 so a millisecond has room for 2^75 increments before it could carry over.
  return Array.from(bytes, (byte, i) => (i === 0 ? byte % 16 : byte % 32));
}

function incremented(digits: number[]): number[] {
  const next = [...digits];
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i]! < 31) {
      next[i] = next[i]! + 1;
      return next;
    }
    next[i] = 0;
  }
  return freshRandom();
}
