/** Viewers as JSON: the shipped ones, and those who join a live stream, derived as the Python mock derives them. */

import { mix64 } from "./bits.js";
import type { PortableDataSet, PortablePhoto, PortableViewer } from "./portable.js";

const hex = (value: bigint, digits: number): string => value.toString(16).padStart(digits, "0");
const MASK = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

function objectId(epochS: bigint, entropy: bigint, counter: bigint): string {
  return hex(epochS & MASK(32), 8) + hex(entropy & MASK(40), 10) + hex(counter & MASK(24), 6);
}

/** Milliseconds since the epoch as the API prints them: `2026-02-18T09:30:00.000Z`. */
export function formatTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export class ViewerFactory {
  private readonly counts: Record<"followersCount" | "followingCount", [number, number][]>;

  constructor(private readonly data: PortableDataSet) {
    this.counts = data.generation.counts;
  }

  /** Name, surname and username of the viewer with this serial number and 64-bit draw. */
  names(serial: number, draw: bigint): [string, string, string] {
    const { pools, generation } = this.data;
    const pool = Number(draw & 0xffn) < generation.turkishShare ? pools.turkish : pools.international;
    const name = pool.firstNames[Number((draw >> 8n) % BigInt(pool.firstNames.length))] as string;
    const surname = pool.lastNames[Number((draw >> 24n) % BigInt(pool.lastNames.length))] as string;
    const separators = generation.usernameSeparators;
    const separator = separators[Number((draw >> 40n) % BigInt(separators.length))] as string;
    const part = (text: string): string => pools.usernameParts[text] as string;
    return [name, surname, `${part(name)}${separator}${part(surname)}${serial + 1}`];
  }

  /** The avatar's letters for a name: what the mock's drawing puts on the picture. */
  initials(name: string, surname: string): string {
    const letters = (this.data.pools.initials[name] ?? "") + (this.data.pools.initials[surname] ?? "");
    return letters || "-";
  }

  private count(field: "followersCount" | "followingCount", bits: bigint): number {
    const steps = this.counts[field];
    const value = Number(bits & 0xffffn);
    let low = 0;
    let high = steps.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((steps[middle] as [number, number])[0] <= value) low = middle;
      else high = middle - 1;
    }
    return (steps[low] as [number, number])[1];
  }

  /** A viewer from a 64-bit draw; the serial (unique in its stream) makes the id and username unique. */
  derive(draw: bigint, serial: number, joinedAtMs: number): PortableViewer {
    const { generation, pools } = this.data;
    const detail = mix64(draw);
    const [name, surname, username] = this.names(serial, draw);
    const accountS = BigInt(generation.accountsFromS) + (detail >> 32n) % BigInt(generation.accountsSpanS);
    const id = objectId(accountS, detail, BigInt(serial));
    return {
      _id: id,
      username,
      name,
      surname,
      profilePhoto: Number(detail & 0xffn) < generation.photoShare ? this.photo(id, accountS, detail) : null,
      followersCount: this.count("followersCount", detail >> 8n),
      followingCount: this.count("followingCount", detail >> 24n),
      expertise: Number(mix64(detail ^ BigInt(generation.expertiseSalt)) & 0xffn) < generation.expertiseShare
        ? pools.expertise[Number((detail >> 40n) % BigInt(pools.expertise.length))] as string : null,
      joinedAtMs,
    };
  }

  private photo(viewerId: string, accountS: bigint, detail: bigint): PortablePhoto {
    const photoDraw = mix64(detail);
    const createdS = accountS + photoDraw % BigInt(90 * 86_400);
    const photoId = objectId(createdS, photoDraw >> 16n, photoDraw >> 40n);
    const updatedS = createdS + (photoDraw >> 24n) % 86_400n;
    const [host, cdn] = this.data.generation.photoHosts as [string, string];
    return {
      _id: photoId,
      url: `${host}/${photoId}.jpg`,
      type: "image",
      variants: Object.fromEntries(["40", "76"].map((size) => [size, `${cdn}/${viewerId}/${size}.webp`])),
      createdAt: formatTimestamp(Number(createdS) * 1000),
      updatedAt: formatTimestamp(Number(updatedS) * 1000),
    };
  }

  /** The photo URLs on the mock's own origin (the placeholder origin), as the mock's local media has them. */
  localPhoto(viewer: PortableViewer): PortableViewer {
    if (viewer.profilePhoto === null) return viewer;
    const { placeholder, prefix, variantEdges } = this.data.media;
    const letters = encodeURIComponent(this.initials(viewer.name, viewer.surname));  // Ö travels as %C3%96
    const base = `${placeholder}${prefix}${viewer._id.toLowerCase()}/${letters}`;
    const variants: Record<string, string> = {};
    for (const edge of variantEdges) variants[String(edge)] = `${base}/${edge}.webp`;
    return { ...viewer, profilePhoto: { ...viewer.profilePhoto, url: `${base}/photo.jpg`, variants } };
  }
}

/** The viewer's JSON around its isFollowing value: what a page joins, whoever asks. */
export interface ViewerJson {
  head: string;
  tail: string;
  /** The follow draw's key: the last 16 hex digits of the id. */
  key: bigint;
  followedBy: Set<string> | null;
}

export function viewerJson(viewer: PortableViewer, photo: (viewer: PortableViewer) => PortablePhoto | null): ViewerJson {
  const record = {
    _id: viewer._id,
    username: viewer.username,
    name: viewer.name,
    surname: viewer.surname,
    profilePhoto: photo(viewer),
    followersCount: viewer.followersCount,
    followingCount: viewer.followingCount,
    expertise: viewer.expertise,
    isFollowing: true,
    joinedAt: formatTimestamp(viewer.joinedAtMs),
  };
  const text = JSON.stringify(record);
  const cut = text.lastIndexOf(',"isFollowing":true,"joinedAt":');
  return {
    head: text.slice(0, cut + ',"isFollowing":'.length),
    tail: text.slice(cut + ',"isFollowing":true'.length),
    key: BigInt(`0x${viewer._id.slice(-16)}`) & MASK(64),
    followedBy: viewer.followedBy ? new Set(viewer.followedBy) : null,
  };
}
