/** The shipped streams on the handlers' clock: which are live at a second, and their pages and searches. */

import { mix64 } from "./bits.js";
import { bisectLeft, Departures, firstPlaces, selectRanks, type Snapshot } from "./churn.js";
import type { PortableDataSet, PortableStream, PortableViewer } from "./portable.js";
import type { TextRules } from "./text.js";
import { ViewerFactory } from "./viewers.js";

const FIELD_END = "\x1f";
const RECORD_END = "\x1e";

/** No live stream has this id: 404. */
export class StreamNotFound extends Error {
  readonly status = 404;

  constructor(streamId: string, ended: boolean) {
    super(`Live stream ${streamId} ${ended ? "has ended" : "does not exist"}`);
  }
}

/** A user blocked by the streamer may not see the stream's audience: 403. */
export class PermissionDenied extends Error {
  readonly status = 403;
}

export interface ViewerPage {
  /** The places of the page's viewers in their stream (joiners negative), and how to make each. */
  places: number[];
  viewerAt: (place: number) => PortableViewer;
  currentPage: bigint;
  itemsPerPage: number;
  totalItems: number;
  participantAudienceTotal: number;
}

export interface PageRequest {
  /** A bigint: the contract sets no highest page, and a page past the end is an empty page. */
  page: bigint;
  limit: number;
  search?: string | undefined;
}

/** The rank of a page's first viewer (past any audience for a page beyond what a Number counts exactly). */
const startOf = (request: PageRequest): number =>
  request.page > 1n << 40n ? Number.MAX_SAFE_INTEGER : Number(request.page - 1n) * request.limit;

/** The search index of a list of names: folded "name\x1fsurname\x1fusername" records, in audience order. */
class SearchIndex {
  private readonly records: string[];
  private readonly cache = new Map<string, number[]>();

  constructor(names: [string, string, string][], private readonly text: TextRules) {
    this.records = names.map((fields) => fields.map(text.fold).join(FIELD_END));
  }

  positions(term: string): number[] {
    const needle = this.text.fold(term);
    const kept = this.cache.get(needle);
    if (kept !== undefined) return kept;
    let found: number[];
    if (!needle) found = this.records.map((_, i) => i);
    else if (needle.includes(FIELD_END) || needle.includes(RECORD_END)) found = [];
    else found = this.records.flatMap((record, i) => (record.includes(needle) ? [i] : []));
    if (this.cache.size >= 1024) this.cache.clear();
    this.cache.set(needle, found);
    return found;
  }
}

export interface Clock {
  /** The instant (ms since the epoch) second 0 stands for. */
  startMs: number;
  /** The current second of the clock. */
  second(): number;
}

class ChurningStream {
  readonly departures: Departures;
  private readonly joinerKey: bigint;
  private readonly shiftMs: number;
  private readonly joinerNames: string[] = [];
  private readonly termJoiners = new Map<string, [number, number[]]>();

  constructor(private readonly stream: PortableStream, private readonly clock: Clock, private readonly data: PortableDataSet,
    private readonly factory: ViewerFactory, private readonly text: TextRules) {
    const key = BigInt(stream.key);
    const salts = { join: BigInt(data.churn.joinSalt), leave: BigInt(data.churn.leaveSalt),
      departure: BigInt(data.churn.departureKey) };
    const churn = stream.churn as { joinsPerMinute: number; leavesPerMinute: number };
    this.departures = new Departures(key, salts, churn.joinsPerMinute, churn.leavesPerMinute, stream.viewers.length,
      Number(BigInt(data.churn.nobody)));
    this.joinerKey = key ^ BigInt(data.churn.joinerSalt);
    const newest = stream.viewers.length ? (stream.viewers[0] as PortableViewer).joinedAtMs : clock.startMs;
    this.shiftMs = clock.startMs - data.churn.baseLeadMs - newest;
  }

  participantTotal(snapshot: Snapshot): number {
    return this.stream.participantAudienceTotal + snapshot.joins;
  }

  viewer(place: number): PortableViewer {
    if (place >= 0) {
      const viewer = this.stream.viewers[place] as PortableViewer;
      return { ...viewer, joinedAtMs: viewer.joinedAtMs + this.shiftMs };
    }
    const joiner = -place - 1;
    const joinedAtMs = this.clock.startMs + this.departures.joins.momentMs(joiner);
    const draw = mix64(this.joinerKey ^ BigInt(joiner));
    return this.factory.localPhoto(this.factory.derive(draw, this.stream.viewers.length + joiner, joinedAtMs));
  }

  page(second: number, index: SearchIndex, request: PageRequest): ViewerPage {
    const snapshot = this.departures.snapshot(second);
    const start = startOf(request);
    let places: number[];
    let total: number;
    if (this.text.isBlank(request.search)) {
      places = firstPlaces(snapshot, this.stream.viewers.length, start, request.limit);
      total = snapshot.size;
    } else {
      [places, total] = this.searchPage(snapshot, index, request.search as string, start, request.limit);
    }
    return { places, viewerAt: (place) => this.viewer(place), currentPage: request.page,
      itemsPerPage: request.limit, totalItems: total, participantAudienceTotal: this.participantTotal(snapshot) };
  }

  private searchPage(snapshot: Snapshot, index: SearchIndex, term: string, start: number,
    limit: number): [number[], number] {
    const joiners = this.joinersMatching(this.text.fold(term), snapshot.joins);
    const base = index.positions(term);
    const left: number[] = [];
    for (const place of snapshot.left) {
      if (place < 0) {
        const at = bisectLeft(joiners, -place - 1);
        if (at < joiners.length && joiners[at] === -place - 1) left.push(joiners.length - 1 - at);
      } else {
        const at = bisectLeft(base, place);
        if (at < base.length && base[at] === place) left.push(joiners.length + at);
      }
    }
    const length = joiners.length + base.length;
    const places = selectRanks(length, left, start, limit).map((i) =>
      i < joiners.length ? -((joiners[joiners.length - 1 - i] as number) + 1) : (base[i - joiners.length] as number));
    return [places, length - left.length];
  }

  private joinersMatching(needle: string, joins: number): number[] {
    while (this.joinerNames.length < joins) {
      const joiner = this.joinerNames.length;
      const names = this.factory.names(this.stream.viewers.length + joiner, mix64(this.joinerKey ^ BigInt(joiner)));
      this.joinerNames.push(names.map(this.text.fold).join(FIELD_END));
    }
    let [checked, found] = this.termJoiners.get(needle) ?? [0, [] as number[]];
    if (checked < joins) {
      found = [...found];
      for (let k = checked; k < joins; k++) if ((this.joinerNames[k] as string).includes(needle)) found.push(k);
      checked = joins;
    }
    this.termJoiners.delete(needle);
    this.termJoiners.set(needle, [checked, found]);
    if (this.termJoiners.size > 256) this.termJoiners.delete(this.termJoiners.keys().next().value as string);
    return found.slice(0, bisectLeft(found, joins));
  }
}

/** The data set on the clock: the live streams at a second, and their pages. */
export class LiveData {
  private readonly streams = new Map<string, PortableStream>();
  private readonly indexes = new Map<string, SearchIndex>();
  private readonly churning = new Map<string, ChurningStream>();

  constructor(readonly data: PortableDataSet, readonly clock: Clock, private readonly text: TextRules) {
    const factory = new ViewerFactory(data);
    for (const stream of data.streams) {
      this.streams.set(stream.id.toLowerCase(), stream);
      if (stream.churn !== null && stream.live) {
        this.churning.set(stream.id, new ChurningStream(stream, clock, data, factory, text));
      }
    }
  }

  /** The stream if it is live at that second; StreamNotFound when unknown, ended or over. */
  liveStream(streamId: string, second: number): PortableStream {
    const stream = this.streams.get(streamId.toLowerCase());
    if (stream === undefined || !stream.live) throw new StreamNotFound(streamId, stream !== undefined);
    if (stream.liveForS !== null && second >= stream.liveForS) throw new StreamNotFound(streamId, true);
    return stream;
  }

  mayReadAudience(userId: string, stream: PortableStream): void {
    if (stream.blockedUserIds.includes(userId)) {
      throw new PermissionDenied("This user may not see the audience of this stream");
    }
  }

  private index(stream: PortableStream): SearchIndex {
    let index = this.indexes.get(stream.id);
    if (index === undefined) {
      index = new SearchIndex(stream.viewers.map((v) => [v.name, v.surname, v.username]), this.text);
      this.indexes.set(stream.id, index);
    }
    return index;
  }

  page(stream: PortableStream, second: number, request: PageRequest): ViewerPage {
    const index = this.index(stream);
    const churning = this.churning.get(stream.id);
    if (churning !== undefined) return churning.page(second, index, request);
    const matched = this.text.isBlank(request.search) ? null : index.positions(request.search as string);
    const total = matched === null ? stream.viewers.length : matched.length;
    const start = startOf(request);
    const places: number[] = [];
    for (let i = start; i < Math.min(total, start + request.limit); i++) places.push(matched === null ? i : matched[i] as number);
    return { places, viewerAt: (place) => stream.viewers[place] as PortableViewer, currentPage: request.page,
      itemsPerPage: request.limit, totalItems: total, participantAudienceTotal: stream.participantAudienceTotal };
  }
}
