/** Who is watching at second t: the Python mock's churn schedule (`mockserver.core.churn`), step for step. */

import { mix64 } from "./bits.js";

/** Event k of a rate falls at a drawn millisecond of its slot [k * 60000 / rate, (k + 1) * 60000 / rate). */
export class EventSchedule {
  constructor(private readonly key: bigint, private readonly rate: number) {}

  momentMs(k: number): number {
    const start = Math.floor((k * 60_000) / this.rate);
    const length = Math.floor(((k + 1) * 60_000) / this.rate) - start;
    return start + Number(mix64(this.key ^ BigInt(k)) % BigInt(length));
  }

  count(untilMs: number): number {
    if (this.rate === 0 || untilMs < 0) return 0;
    let k = Math.floor((untilMs * this.rate) / 60_000);
    while (k > 0 && this.momentMs(k - 1) > untilMs) k--;
    while (this.momentMs(k) <= untilMs) k++;
    return k;
  }
}

export interface Snapshot {
  second: number;
  joins: number;
  /** The sorted places of everyone who left. */
  left: number[];
  size: number;
}

/** The first index of a non-decreasing sequence (by `value`) whose value is above x. */
function bisectRight(length: number, x: number, value: (i: number) => number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (x < value(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The first index of a sorted array whose value is at least x. */
export function bisectLeft(sorted: ArrayLike<number>, x: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as number) < x) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Ranks start.. of a sequence of `length` places (`firstPlace` upwards) less the sorted `removed`. */
export function selectRanks(length: number, removed: number[], start: number, limit: number, offset = 0,
  firstPlace = 0): number[] {
  let skipped = bisectRight(removed.length, start - offset, (i) => (removed[i] as number) - i);
  let index = start + skipped;
  const found: number[] = [];
  while (found.length < limit && index < length) {
    if (skipped < removed.length && (removed[skipped] as number) + offset === index) skipped++;
    else found.push(index + firstPlace);
    index++;
  }
  return found;
}

export function firstPlaces(snapshot: Snapshot, baseSize: number, start: number, limit: number): number[] {
  return selectRanks(snapshot.joins + baseSize, snapshot.left, start, limit, snapshot.joins, -snapshot.joins);
}

const KEPT_SNAPSHOTS = 8;

/** The leaves of one stream, each worked out once, in order, from who was present at its moment. */
export class Departures {
  readonly joins: EventSchedule;
  readonly leaves: EventSchedule;
  private readonly key: bigint;
  private readonly victims: number[] = [];
  private readonly joinersPresent: number[] = [];
  private joined = 0;
  private basePresent: number;
  private readonly baseMoved = new Map<number, number>();
  private readonly snapshots = new Map<number, Snapshot>();

  constructor(key: bigint, salts: { join: bigint; leave: bigint; departure: bigint }, joinsPerMinute: number,
    leavesPerMinute: number, private readonly baseSize: number, private readonly nobody: number) {
    this.joins = new EventSchedule(key ^ salts.join, joinsPerMinute);
    this.leaves = new EventSchedule(key ^ salts.leave, leavesPerMinute);
    this.key = key ^ salts.departure;
    this.basePresent = baseSize;
  }

  snapshot(second: number): Snapshot {
    const kept = this.snapshots.get(second);
    if (kept !== undefined) return kept;
    const untilMs = second * 1000;
    const leaves = this.leaves.count(untilMs);
    this.workOut(leaves);
    const left = this.victims.slice(0, leaves).filter((place) => place !== this.nobody).sort((a, b) => a - b);
    const joins = this.joins.count(untilMs);
    const found = { second, joins, left, size: joins + this.baseSize - left.length };
    this.snapshots.set(second, found);
    if (this.snapshots.size > KEPT_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value as number);
    return found;
  }

  private workOut(leaves: number): void {
    while (this.victims.length < leaves) {
      const m = this.victims.length;
      const joined = this.joins.count(this.leaves.momentMs(m));
      for (let k = this.joined; k < joined; k++) this.joinersPresent.push(k);
      this.joined = Math.max(this.joined, joined);
      this.victims.push(this.draw(mix64(this.key ^ BigInt(m))));
    }
  }

  private draw(draw: bigint): number {
    const joiners = this.joinersPresent.length;
    const base = this.basePresent;
    if (joiners + base === 0) return this.nobody;
    const half = draw >> 1n;
    const pick = joiners && (draw & 1n) ? Number(half % BigInt(joiners)) : Number(half % BigInt(joiners + base));
    if (pick < joiners) {
      const joiner = this.joinersPresent[pick] as number;
      const last = this.joinersPresent.pop() as number;
      if (pick < this.joinersPresent.length) this.joinersPresent[pick] = last;
      return -(joiner + 1);
    }
    const slot = pick - joiners;
    const place = this.baseMoved.get(slot) ?? slot;
    const lastSlot = base - 1;
    const moved = this.baseMoved.get(lastSlot) ?? lastSlot;
    this.baseMoved.delete(lastSlot);
    this.baseMoved.set(slot, moved);
    if (slot === lastSlot) this.baseMoved.delete(slot);
    this.basePresent--;
    return place;
  }
}
