/** The shape of the data module the Python mock generates (`msw/scripts/generate_data.py`). */

export interface PortablePhoto {
  _id: string;
  url: string;
  type: "image";
  variants: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface PortableViewer {
  _id: string;
  username: string;
  name: string;
  surname: string;
  profilePhoto: PortablePhoto | null;
  followersCount: number;
  followingCount: number;
  expertise: string | null;
  joinedAtMs: number;
  followedBy?: string[];
}

export interface PortableStream {
  id: string;
  title: string;
  live: boolean;
  participantAudienceTotal: number;
  blockedUserIds: string[];
  churn: { joinsPerMinute: number; leavesPerMinute: number } | null;
  liveForS: number | null;
  /** The stream's 64-bit hash key, as a decimal string. */
  key: string;
  viewers: PortableViewer[];
}

export interface PortableParameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  type: "integer" | "string";
  minimum?: number;
  maximum?: number;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  format?: string;
}

export interface LocalePool {
  firstNames: string[];
  lastNames: string[];
}

export interface PortableDataSet {
  format: string;
  generatedBy: string;
  seed: string;
  auth: { algorithm: string; developmentSecret: string; minSecretBytes: number; forbiddenUserId: string; defaultUserId: string };
  /** The built-in streams by role: example, large, empty, ended, live. */
  streamIds: Record<string, string>;
  parameters: PortableParameter[];
  errorMessages: Record<string, string>;
  scenarios: { forceableCodes: number[]; maxDelayMs: number; maxAtSeconds: number;
    /** The mock's texts for values it cannot honour: {name}, {value} and {parameters} stand for what was sent. */
    texts: Record<"code" | "delay" | "at" | "parameters", string> };
  media: { placeholder: string; prefix: string; path: string; photoEdge: number; variantEdges: number[] };
  generation: {
    turkishShare: number;
    photoShare: number;
    /** Out of 256: the viewers with an expertise; the rest are served null. */
    expertiseShare: number;
    expertiseSalt: string;
    usernameSeparators: string[];
    accountsFromS: number;
    accountsSpanS: number;
    photoHosts: string[];
    counts: Record<"followersCount" | "followingCount", [number, number][]>;
  };
  follows: { share: string };
  churn: { joinSalt: string; leaveSalt: string; departureKey: string; nobody: string; joinerSalt: string;
    baseLeadMs: number };
  text: { casefold: Record<string, string>; whitespace: string; unicodeVersion: string;
    nonPrintable: [number, number][] };
  pools: {
    turkish: LocalePool;
    international: LocalePool;
    expertise: string[];
    usernameParts: Record<string, string>;
    initials: Record<string, string>;
  };
  streams: PortableStream[];
}
