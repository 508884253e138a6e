/**
 * A small tokenizer and parser for one PyTorch layer call, e.g. `Conv2d(3, 16, kernel_size=(3, 3), bias=False)`.
 * Python literals (ints, floats such as 1e-3, True/False/None, strings, tuples, lists) and the arithmetic courses
 * write in arguments (`32*4*4`, `2**4`, `28 // 2`, `16 * 5 * 5`), with keyword arguments; offsets are relative to
 * the parsed text so the caller can map them to exact source ranges.
 */
import type { PyValue } from '../types';

export interface Span {
  start: number;
  end: number;
}

export interface ParsedArg {
  name?: string;
  nameSpan?: Span;
  value: PyValue;
  valueSpan: Span;
}

export interface ParsedCall {
  name: string;
  nameSpan: Span;
  args: ParsedArg[];
}

export interface CallSyntaxError {
  message: string;
  span: Span;
}

type TokenKind = 'name' | 'number' | 'string' | 'punct' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  value?: PyValue;
}

// Sticky, so a long line is tokenized in linear time.
const NUMBER = /(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/y;
const NAME = /[A-Za-z_][A-Za-z0-9_.]*/y;

function matchAt(re: RegExp, src: string, i: number): string | undefined {
  re.lastIndex = i;
  return re.exec(src)?.[0];
}
const PUNCT = '()[],=-+*/%';
/** Two-character operators, matched before their one-character prefixes. */
const OPERATORS = ['**', '//'];

/** Thrown internally only; `parseCall` turns it into a returned error. */
class SyntaxFailure extends Error {
  constructor(readonly failure: CallSyntaxError) {
    super(failure.message);
  }
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    // Line breaks too: a call may continue on the next line (a multi-line YAML scalar or flow list).
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const num = matchAt(NUMBER, src, i);
    const name = num === undefined ? matchAt(NAME, src, i) : undefined;
    if (num !== undefined) {
      tokens.push({ kind: 'number', text: num, start: i, end: i + num.length, value: Number(num) });
      i += num.length;
    } else if (name !== undefined) {
      tokens.push({ kind: 'name', text: name, start: i, end: i + name.length });
      i += name.length;
    } else if (ch === "'" || ch === '"') {
      const close = src.indexOf(ch, i + 1);
      if (close < 0) throw new SyntaxFailure({ message: 'Unterminated string', span: { start: i, end: src.length } });
      tokens.push({ kind: 'string', text: src.slice(i, close + 1), start: i, end: close + 1, value: src.slice(i + 1, close) });
      i = close + 1;
    } else if (OPERATORS.includes(src.slice(i, i + 2))) {
      tokens.push({ kind: 'punct', text: src.slice(i, i + 2), start: i, end: i + 2 });
      i += 2;
    } else if (PUNCT.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, start: i, end: i + 1 });
      i++;
    } else {
      throw new SyntaxFailure({ message: `Unexpected character '${ch}'`, span: { start: i, end: i + 1 } });
    }
  }
  tokens.push({ kind: 'end', text: '', start: src.length, end: src.length });
  return tokens;
}

const CONSTANTS: Record<string, PyValue> = { True: true, False: false, None: null };

/** Deeper nesting than any layer argument needs; guards the recursive descent. */
const MAX_DEPTH = 32;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const t = this.tokens[this.pos];
    if (t.kind !== 'end') this.pos++;
    return t;
  }

  private fail(message: string, t: Token = this.peek()): never {
    const span = t.kind === 'end' ? { start: Math.max(0, t.start - 1), end: t.start } : { start: t.start, end: t.end };
    throw new SyntaxFailure({ message, span });
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  private expect(text: string): Token {
    if (!this.isPunct(text)) this.fail(`Expected '${text}'${this.peek().kind === 'end' ? ' at the end' : ` but found '${this.peek().text}'`}`);
    return this.next();
  }

  /** A whole source that is one value (a mapping-form argument such as `32*4*4`). */
  expression(): PyValue {
    const { value } = this.value();
    if (this.peek().kind !== 'end') this.fail(`Unexpected '${this.peek().text}'`);
    return value;
  }

  call(): ParsedCall {
    const head = this.next();
    if (head.kind !== 'name') this.fail('Expected a layer name such as Conv2d(...)', head);
    // `nn.Conv2d` and `torch.nn.Conv2d` are accepted as written in PyTorch code.
    const name = head.text.replace(/^(torch\.)?nn\./, '');
    const result: ParsedCall = { name, nameSpan: { start: head.end - name.length, end: head.end }, args: [] };
    if (this.peek().kind === 'end') return result;
    this.expect('(');
    while (!this.isPunct(')')) {
      const start = this.peek();
      const arg = this.argument();
      if (arg.name === undefined && result.args.some((a) => a.name !== undefined)) this.fail('Positional argument follows keyword argument', start);
      result.args.push(arg);
      if (!this.isPunct(')')) this.expect(',');
    }
    this.next();
    if (this.peek().kind !== 'end') this.fail(`Unexpected '${this.peek().text}' after the closing parenthesis`);
    return result;
  }

  private argument(): ParsedArg {
    const t = this.peek();
    const following = this.tokens[this.pos + 1];
    if (t.kind === 'name' && following.kind === 'punct' && following.text === '=') {
      this.pos += 2;
      const { value, span } = this.value();
      return { name: t.text, nameSpan: { start: t.start, end: t.end }, value, valueSpan: span };
    }
    const { value, span } = this.value();
    return { value, valueSpan: span };
  }

  /** An expression: Python's precedence, + − below * / // % below unary signs below ** (right-associative). */
  private value(): { value: PyValue; span: Span } {
    return this.binary(['+', '-'], () => this.binary(['*', '/', '//', '%'], () => this.unary()));
  }

  private binary(ops: string[], operand: () => { value: PyValue; span: Span }): { value: PyValue; span: Span } {
    let left = operand();
    while (this.peek().kind === 'punct' && ops.includes(this.peek().text)) {
      const op = this.next();
      const right = operand();
      left = { value: this.arithmetic(op, left.value, right.value), span: { start: left.span.start, end: right.span.end } };
    }
    return left;
  }

  private unary(): { value: PyValue; span: Span } {
    const t = this.peek();
    if (t.kind === 'punct' && (t.text === '-' || t.text === '+')) {
      this.next();
      if (this.peek().kind === 'end') this.fail(`Expected a number after '${t.text}'`);
      const operand = this.unary();
      if (typeof operand.value !== 'number') this.fail(`Expected a number after '${t.text}'`, t);
      return { value: t.text === '-' ? -operand.value : operand.value, span: { start: t.start, end: operand.span.end } };
    }
    const base = this.atom();
    if (!this.isPunct('**')) return base;
    const op = this.next();
    const exponent = this.unary();
    return { value: this.arithmetic(op, base.value, exponent.value), span: { start: base.span.start, end: exponent.span.end } };
  }

  /** Integer arithmetic as Python does it: // and % floor, / gives a float. */
  private arithmetic(op: Token, a: PyValue, b: PyValue): number {
    if (typeof a !== 'number' || typeof b !== 'number') this.fail(`'${op.text}' needs numbers on both sides`, op);
    if ((op.text === '/' || op.text === '//' || op.text === '%') && b === 0) this.fail('Division by zero', op);
    switch (op.text) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return a / b;
      case '//': return Math.floor(a / b);
      case '%': return a - b * Math.floor(a / b);
      default: {
        const r = a ** b;
        if (!Number.isFinite(r)) this.fail(`${a} ** ${b} is too large`, op);
        return r;
      }
    }
  }

  private atom(): { value: PyValue; span: Span } {
    const t = this.next();
    if (t.kind === 'number' || t.kind === 'string') return { value: t.value as PyValue, span: { start: t.start, end: t.end } };
    if (t.kind === 'name') {
      if (t.text in CONSTANTS) return { value: CONSTANTS[t.text], span: { start: t.start, end: t.end } };
      this.fail(`'${t.text}' is not a Python literal (use numbers, strings, True/False/None, tuples)`, t);
    }
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) {
      if (++this.depth > MAX_DEPTH) this.fail('Tuples nested too deeply', t);
      const result = this.sequence(t);
      this.depth--;
      return result;
    }
    return this.fail(t.kind === 'end' ? 'Expected a value' : `Unexpected '${t.text}'`, t);
  }

  /** A tuple or list; `(x)` without a comma is just a parenthesised value, as in Python. */
  private sequence(open: Token): { value: PyValue; span: Span } {
    const close = open.text === '(' ? ')' : ']';
    const items: PyValue[] = [];
    let sawComma = false;
    while (!this.isPunct(close)) {
      items.push(this.value().value);
      if (this.isPunct(close)) break;
      this.expect(',');
      sawComma = true;
    }
    const end = this.next().end;
    const value = open.text === '(' && items.length === 1 && !sawComma ? items[0] : items;
    return { value, span: { start: open.start, end } };
  }
}

/** Parses one call; never throws: a syntax problem is returned with its span. */
export function parseCall(src: string): { call?: ParsedCall; error?: CallSyntaxError } {
  try {
    return { call: new Parser(tokenize(src)).call() };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { error: e.failure };
    return { error: { message: `Cannot parse layer: ${String(e)}`, span: { start: 0, end: src.length } } };
  }
}

/** Evaluates one Python literal or arithmetic expression (`32*4*4`, `2**4`, `64 // 2`); never throws. */
export function parseExpression(src: string): { value: PyValue } | { error: string } {
  try {
    return { value: new Parser(tokenize(src)).expression() };
  } catch (e) {
    return { error: e instanceof SyntaxFailure ? e.failure.message : String(e) };
  }
}
