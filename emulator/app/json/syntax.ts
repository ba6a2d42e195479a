/**
 * Finds the first JSON syntax error in a text and says what was expected there. JSON.parse's own
 * messages change between Node versions and do not always give a position (its "Unexpected end of
 * JSON input" has none), so the loader locates errors itself, only after JSON.parse has failed.
 */

export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
}

class SyntaxFailure extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  if (text.trim() === '') return { line: 1, column: 1, message: 'the file is empty; it must hold a JSON value' };
  const scanner = new Scanner(text);
  try {
    scanner.skipWhitespace();
    scanner.value();
    scanner.skipWhitespace();
    if (!scanner.atEnd()) scanner.fail(`unexpected ${scanner.describeHere()} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (!(error instanceof SyntaxFailure)) throw error;
    return { ...lineAndColumn(text, error.offset), message: error.message };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text[index] === '\n') {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class Scanner {
  private offset = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.offset >= this.text.length;
  }

  fail(message: string, offset = this.offset): never {
    throw new SyntaxFailure(offset, message);
  }

  describeHere(): string {
    if (this.atEnd()) return 'the end of the file';
    const char = this.text[this.offset];
    if (char === '\n' || char === '\r') return 'a line break';
    const word = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(this.text.slice(this.offset));
    return word ? `'${word[0]}'` : `'${char}'`;
  }

  skipWhitespace(): void {
    while (!this.atEnd() && WHITESPACE.has(this.text[this.offset] as string)) this.offset++;
  }

  value(): void {
    const char = this.text[this.offset];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.offset)) {
        this.offset += literal.length;
        return;
      }
    }
    this.failOnUnexpectedValue('a value');
  }

  private failOnUnexpectedValue(expected: string): never {
    const char = this.text[this.offset];
    if (char === "'") this.fail(`expected ${expected}, found a single quote: JSON strings use double quotes`);
    if (char === '/') this.fail('comments are not allowed in JSON');
    this.fail(`expected ${expected}, found ${this.describeHere()}`);
  }

  private object(): void {
    this.offset++; // {
    this.skipWhitespace();
    if (this.text[this.offset] === '}') {
      this.offset++;
      return;
    }
    for (;;) {
      if (this.text[this.offset] !== '"') {
        if (this.text[this.offset] === '/') this.fail('comments are not allowed in JSON');
        if (this.text[this.offset] === "'") this.fail('expected a property name, found a single quote: JSON property names use double quotes');
        this.fail(`expected a property name in double quotes, found ${this.describeHere()}`);
      }
      this.string();
      this.skipWhitespace();
      if (this.text[this.offset] !== ':') this.fail(`expected ':' after the property name, found ${this.describeHere()}`);
      this.offset++;
      this.skipWhitespace();
      this.value();
      this.skipWhitespace();
      const next = this.text[this.offset];
      if (next === '}') {
        this.offset++;
        return;
      }
      if (next !== ',') this.fail(`expected ',' or '}' after a property value, found ${this.describeHere()}`);
      const comma = this.offset;
      this.offset++;
      this.skipWhitespace();
      if (this.text[this.offset] === '}') this.fail("trailing comma: JSON allows no ',' before '}'", comma);
    }
  }

  private array(): void {
    this.offset++; // [
    this.skipWhitespace();
    if (this.text[this.offset] === ']') {
      this.offset++;
      return;
    }
    for (;;) {
      this.value();
      this.skipWhitespace();
      const next = this.text[this.offset];
      if (next === ']') {
        this.offset++;
        return;
      }
      if (next !== ',') this.fail(`expected ',' or ']' after an array element, found ${this.describeHere()}`);
      const comma = this.offset;
      this.offset++;
      this.skipWhitespace();
      if (this.text[this.offset] === ']') this.fail("trailing comma: JSON allows no ',' before ']'", comma);
    }
  }

  private string(): void {
    const start = this.offset;
    this.offset++; // "
    while (!this.atEnd()) {
      const char = this.text[this.offset] as string;
      if (char === '"') {
        this.offset++;
        return;
      }
      if (char === '\\') {
        const escape = this.text[this.offset + 1];
        if (escape === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(this.text.slice(this.offset + 2, this.offset + 6))) this.fail('invalid \\u escape: it needs four hex digits');
          this.offset += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) this.fail(`invalid escape sequence '\\${escape ?? ''}' in a string`);
        this.offset += 2;
        continue;
      }
      if (char.charCodeAt(0) < 0x20) this.fail('a line break or control character inside a string must be escaped (\\n, \\t, …)');
      this.offset++;
    }
    this.fail('unterminated string: the closing double quote is missing', start);
  }

  private number(): void {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.offset));
    if (!match || match[0] === '-') this.fail(`invalid number ${this.describeHere()}`);
    this.offset += match[0].length;
  }
}
