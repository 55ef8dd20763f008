/** Forcing edge cases with the `Prefer` header (RFC 7240): `code=404`, `delay=1500`, `at=600`, as the mock does. */

import type { PortableDataSet } from "./portable.js";
import type { TextRules } from "./text.js";

/** A `Prefer` header the handlers cannot honour: 400, naming the preference. */
export class ScenarioRejected extends Error {
  readonly status = 400;
}

/** The error envelope a `Prefer: code=…` asked for. */
export class ScenarioForced extends Error {
  constructor(readonly status: number) {
    super(`Forced by the Prefer header (code=${status})`);
  }
}

export interface Scenario {
  code?: number;
  delayMs?: number;
  atSecond?: number;
  applied: string[];
}

const DIGITS = /^[0-9]+$/;

export function scenarioParser(data: PortableDataSet, text: TextRules): (header: string | null) => Scenario {
  const { forceableCodes, maxDelayMs, maxAtSeconds, texts } = data.scenarios;
  const refused = (text: string, name: string, value: string, parameters = ""): ScenarioRejected =>
    new ScenarioRejected(text.replace("{name}", name).replace("{value}", () => value)
      .replace("{parameters}", () => parameters));
  const strip = (value: string): string => {
    const chars = [...value];
    while (chars.length && text.isBlank(chars[0])) chars.shift();
    while (chars.length && text.isBlank(chars[chars.length - 1])) chars.pop();
    return chars.join("");
  };
  const stripQuotes = (value: string): string => value.replace(/^"+/, "").replace(/"+$/, "");
  const parsers: Record<string, (value: string) => number> = {
    code: (value) => {
      if (DIGITS.test(value) && forceableCodes.includes(Number(value))) return Number(value);
      throw refused(texts.code, "code", text.shown(value));
    },
    delay: (value) => {
      if (DIGITS.test(value) && BigInt(value) <= BigInt(maxDelayMs)) return Number(value);
      throw refused(texts.delay, "delay", text.shown(value));
    },
    at: (value) => {
      if (DIGITS.test(value) && BigInt(value) <= BigInt(maxAtSeconds)) return Number(value);
      throw refused(texts.at, "at", text.shown(value));
    },
  };
  return (header) => {
    const values = new Map<string, number>();
    const applied: string[] = [];
    for (const preference of (header ?? "").split(",")) {
      const semicolon = preference.indexOf(";");
      const head = semicolon < 0 ? preference : preference.slice(0, semicolon);
      const parameters = semicolon < 0 ? "" : strip(preference.slice(semicolon + 1));
      const equals = head.indexOf("=");
      const name = strip(equals < 0 ? head : head.slice(0, equals)).toLowerCase();
      const value = stripQuotes(strip(equals < 0 ? "" : head.slice(equals + 1)));
      const parse = parsers[name];
      if (!name || parse === undefined || values.has(name)) continue;
      if (parameters) {
        throw refused(texts.parameters, name, text.shown(value), text.shown(parameters));
      }
      values.set(name, parse(value));
      applied.push(`${name}=${values.get(name)}`);
    }
    const scenario: Scenario = { applied };
    if (values.has("code")) scenario.code = values.get("code") as number;
    if (values.has("delay")) scenario.delayMs = values.get("delay") as number;
    if (values.has("at")) scenario.atSecond = values.get("at") as number;
    return scenario;
  };
}
