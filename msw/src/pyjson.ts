/** Where Python's json.loads fails on a text, and its message (`Expecting value: line 1 column 1 (char 0)`). */

const WS = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

class Failure {
  constructor(readonly message: string, readonly position: number) {}
}

/** The message json.loads raises for the text (positions in code points), or null when it parses. */
export function pythonJsonError(input: string): string | null {
  const s = [...input];
  const at = (i: number): string => s[i] ?? "";
  const skip = (i: number): number => {
    while (WS.has(at(i))) i++;
    return i;
  };
  const text = (i: number, length: number): string => s.slice(i, i + length).join("");

  const string = (end: number): number => {
    const begin = end - 1;
    for (;;) {
      let i = end;
      while (i < s.length && at(i) !== '"' && at(i) !== "\\" && (at(i).codePointAt(0) as number) >= 0x20) i++;
      if (i >= s.length) throw new Failure("Unterminated string starting at", begin);
      const terminator = at(i);
      end = i + 1;
      if (terminator === '"') return end;
      if (terminator !== "\\") throw new Failure("Invalid control character at", i);
      const escape = at(end);
      if (!escape) throw new Failure("Unterminated string starting at", begin);
      if (escape !== "u") {
        if (!ESCAPES.has(escape)) throw new Failure("Invalid \\escape", end - 1);
        end += 1;
      } else {
        const hex = text(end + 1, 4);
        if (hex.length !== 4 || /[xX]/.test(hex[1] as string) || !/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw new Failure("Invalid \\uXXXX escape", end);
        }
        end += 5;
      }
    }
  };

  const value = (i: number): number => {
    const char = at(i);
    if (char === '"') return string(i + 1);
    if (char === "{") return object(i + 1);
    if (char === "[") return array(i + 1);
    if (char === "n" && text(i, 4) === "null") return i + 4;
    if (char === "t" && text(i, 4) === "true") return i + 4;
    if (char === "f" && text(i, 5) === "false") return i + 5;
    if (char === "N" && text(i, 3) === "NaN") return i + 3;
    if (char === "I" && text(i, 8) === "Infinity") return i + 8;
    if (char === "-" && text(i, 9) === "-Infinity") return i + 9;
    NUMBER.lastIndex = 0;
    const rest = text(i, 400);
    NUMBER.lastIndex = 0;
    const match = NUMBER.exec(rest);
    if (match !== null && match.index === 0 && match[0]) return i + [...match[0]].length;
    throw new Failure("Expecting value", i);
  };

  const object = (end: number): number => {
    let next = at(end);
    if (next !== '"') {
      if (WS.has(next)) {
        end = skip(end);
        next = at(end);
      }
      if (next === "}") return end + 1;
      if (next !== '"') throw new Failure("Expecting property name enclosed in double quotes", end);
    }
    end += 1;
    for (;;) {
      end = string(end);
      if (at(end) !== ":") {
        end = skip(end);
        if (at(end) !== ":") throw new Failure("Expecting ':' delimiter", end);
      }
      end = skip(end + 1);
      end = value(end);
      end = skip(end);
      next = at(end);
      end += 1;
      if (next === "}") return end;
      if (next !== ",") throw new Failure("Expecting ',' delimiter", end - 1);
      end = skip(end);
      next = at(end);
      end += 1;
      if (next !== '"') throw new Failure("Expecting property name enclosed in double quotes", end - 1);
    }
  };

  const array = (end: number): number => {
    end = skip(end);
    if (at(end) === "]") return end + 1;
    for (;;) {
      end = value(end);
      end = skip(end);
      const next = at(end);
      end += 1;
      if (next === "]") return end;
      if (next !== ",") throw new Failure("Expecting ',' delimiter", end - 1);
      end = skip(end);
    }
  };

  try {
    const end = skip(value(skip(0)));
    if (end !== s.length) throw new Failure("Extra data", end);
    return null;
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    const before = s.slice(0, error.position);
    const line = before.filter((char) => char === "\n").length + 1;
    const column = error.position - before.lastIndexOf("\n");
    return `${error.message}: line ${line} column ${column} (char ${error.position})`;
  }
}
