/** Text as the Python mock treats it: search folding, blank terms, and values quoted in error messages. */

import type { PortableDataSet } from "./portable.js";

const SHOWN_CHARACTERS = 40;

export interface TextRules {
  fold(text: string): string;
  isBlank(term: string | null | undefined): boolean;
  /** A received value, quoted and cut short, as the mock's error messages show it (Python's repr). */
  shown(value: string): string;
}

/** Length in code points, as Python counts a string. */
export const codePoints = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

export function textRules(data: PortableDataSet): TextRules {
  const casefold = new Map(Object.entries(data.text.casefold));
  const whitespace = new Set(data.text.whitespace);
  const ranges = data.text.nonPrintable;
  const printable = (point: number): boolean => {
    let low = 0;
    let high = ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const [first, last] = ranges[middle] as [number, number];
      if (point < first) high = middle - 1;
      else if (point > last) low = middle + 1;
      else return false;
    }
    return true;
  };

  const fold = (text: string): string => {
    if (isAscii(text)) return text.toLowerCase();
    let folded = "";
    for (const char of text.normalize("NFC")) folded += casefold.get(char) ?? char;
    return folded.normalize("NFC").replaceAll("i\u0307", "i").replaceAll("ı", "i");
  };

  const isBlank = (term: string | null | undefined): boolean => {
    if (term === null || term === undefined) return true;
    if (term.length === 1) return whitespace.has(term);
    for (const char of term) if (!whitespace.has(char)) return false;
    return true;
  };

  const repr = (value: string): string => {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    let out = quote;
    for (const char of value) {
      const point = char.codePointAt(0) as number;
      if (char === quote || char === "\\") out += "\\" + char;
      else if (char === "\t") out += "\\t";
      else if (char === "\n") out += "\\n";
      else if (char === "\r") out += "\\r";
      else if (point < 0x20 || point === 0x7f) out += "\\x" + point.toString(16).padStart(2, "0");
      else if (point < 0x7f || printable(point)) out += char;
      else if (point <= 0xff) out += "\\x" + point.toString(16).padStart(2, "0");
      else if (point <= 0xffff) out += "\\u" + point.toString(16).padStart(4, "0");
      else out += "\\U" + point.toString(16).padStart(8, "0");
    }
    return out + quote;
  };

  const shown = (value: string): string => {
    const length = codePoints(value);
    if (length > SHOWN_CHARACTERS) return repr([...value].slice(0, SHOWN_CHARACTERS).join("")) + `... (${length} characters)`;
    return repr(value);
  };

  return { fold, isBlank, shown };
}
