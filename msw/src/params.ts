/** Request parameters checked against openapi.yaml's rules (shipped in the data), every bad one named. */

import type { PortableParameter } from "./portable.js";
import { codePoints, type TextRules } from "./text.js";

const INTEGER = /^[+-]?[0-9]+$/;

interface Rule {
  parameter: PortableParameter;
  pattern: RegExp | null;
}

/** The query's pairs, the path's parameters, and each query parameter with a value that is not UTF-8 once
 * percent-decoded: [name, the value as sent, its first bytes that are not UTF-8]. */
export type Received = {
  query: [string, string][];
  path: Record<string, string>;
  undecodable?: [string, string, string][];
};

export class ParameterRules {
  private readonly rules: Rule[];

  constructor(parameters: PortableParameter[], private readonly text: TextRules) {
    this.rules = parameters.map((parameter) => ({
      parameter,
      pattern: parameter.pattern === undefined ? null : new RegExp(parameter.pattern, "u"),
    }));
  }

  /** Every bad parameter of a request, one message each, in the spec's order. */
  problems(received: Received): string[] {
    const values = new Map<string, string[]>();
    for (const [name, value] of received.query) {
      const key = `query:${name}`;
      values.set(key, [...(values.get(key) ?? []), value]);
    }
    for (const [name, value] of Object.entries(received.path)) values.set(`path:${name}`, [value]);
    const found: string[] = [];
    for (const rule of this.rules) {
      const { name } = rule.parameter;
      const bad = rule.parameter.in === "query" ? received.undecodable?.find(([known]) => known === name) : undefined;
      const problem = bad !== undefined
        ? `${name}: must be UTF-8 text once percent-decoded, got ${this.text.shown(bad[1])} (${bad[2]} is not UTF-8)`
        : this.problem(rule, values.get(`${rule.parameter.in}:${name}`) ?? []);
      if (problem !== null) found.push(problem);
    }
    return found;
  }

  /** The query value of a parameter (the first), or undefined. */
  static first(received: Received, name: string): string | undefined {
    return received.query.find(([key]) => key === name)?.[1];
  }

  private problem({ parameter, pattern }: Rule, values: string[]): string | null {
    const { name } = parameter;
    if (values.length === 0) return parameter.required ? `${name}: is required` : null;
    if (values.length > 1) return `${name}: was given ${values.length} times; send it once`;
    const value = values[0] as string;
    const shown = (): string => this.text.shown(value);
    if (parameter.type === "integer") {
      if (!INTEGER.test(value)) return `${name}: must be an integer, got ${shown()}`;
      const number = BigInt(value);
      if (parameter.minimum !== undefined && number < BigInt(parameter.minimum)) {
        return `${name}: must be at least ${parameter.minimum}, got ${shown()}`;
      }
      if (parameter.maximum !== undefined && number > BigInt(parameter.maximum)) {
        return `${name}: must be at most ${parameter.maximum}, got ${shown()}`;
      }
      return null;
    }
    if (pattern !== null && !pattern.test(value)) return `${name}: must match ${parameter.pattern}, got ${shown()}`;
    const length = codePoints(value);
    if (parameter.minLength !== undefined && length < parameter.minLength) {
      return `${name}: must have at least ${parameter.minLength} characters, got ${shown()}`;
    }
    if (parameter.maxLength !== undefined && length > parameter.maxLength) {
      return `${name}: must have at most ${parameter.maxLength} characters, got ${length}`;
    }
    return null;
  }
}
