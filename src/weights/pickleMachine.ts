/**
 * A restricted pickle reader: it interprets the opcodes that plain data needs (numbers, strings, tuples, lists,
 * dicts, memo) and resolves a class or function reference only through the table its caller passes. Nothing named
 * in the file is ever imported or run: a reference outside the table stops the read with an error naming it.
 * Protocols 0–5 framing; the opcodes torch.save emits (protocol 2) and those of protocol 4/5 for plain data.
 */

/** A reference the file makes to `module.name`, resolved through the caller's table. */
export interface PickleGlobal {
  readonly kind: 'global';
  readonly module: string;
  readonly name: string;
  /** Called by REDUCE (and NEWOBJ) with the argument tuple. */
  readonly call: (args: unknown[]) => unknown;
  /** Called by BUILD on an object this global made; absent: BUILD is refused. */
  readonly build?: (target: unknown, state: unknown) => void;
}

/** Allowed references: "module.name" → how to make it. */
export type PickleGlobals = Record<string, Omit<PickleGlobal, 'kind' | 'module' | 'name'>>;

export interface PickleOptions {
  globals: PickleGlobals;
  /** BINPERSID / PERSID: what the persistent id refers to (torch: a storage). */
  persistentLoad?: (pid: unknown) => unknown;
}

/** A malformed or refused pickle; the caller adds the file name. */
export class PickleError extends Error {}

/** A pickle tuple (kept apart from lists so that callers can tell them apart). */
export class PickleTuple extends Array<unknown> {}

/** Reads one pickle from `bytes` at `start`; returns the value and where the pickle ended (after STOP). */
export function readPickle(bytes: Uint8Array, options: PickleOptions, start = 0): { value: unknown; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder('utf-8', { fatal: false });
  const latin1 = new TextDecoder('latin1');
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const made = new WeakMap<object, PickleGlobal>();
  let at = start;

  const need = (n: number): number => {
    if (at + n > bytes.length) throw new PickleError('the pickle is cut short (truncated file?)');
    const here = at;
    at += n;
    return here;
  };
  const u8 = () => bytes[need(1)];
  const u16 = () => view.getUint16(need(2), true);
  const u32 = () => view.getUint32(need(4), true);
  const i32 = () => view.getInt32(need(4), true);
  const slice = (n: number) => bytes.subarray(need(n), at);
  const line = (): string => {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) throw new PickleError('the pickle is cut short (truncated file?)');
    const s = latin1.decode(bytes.subarray(at, end));
    at = end + 1;
    return s;
  };
  const pop = (): unknown => {
    if (stack.length === 0) throw new PickleError('the pickle is malformed (stack underflow)');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) throw new PickleError('the pickle is malformed (stack underflow)');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) throw new PickleError('the pickle is malformed (no mark)');
    return stack.splice(m);
  };
  const resolve = (module: string, name: string): PickleGlobal => {
    const entry = options.globals[`${module}.${name}`];
    if (!entry) throw new PickleError(`it refers to ${module}.${name}, which a plain state_dict of tensors never holds; it was refused without running anything`);
    return { kind: 'global', module, name, ...entry };
  };
  const asGlobal = (value: unknown, op: string): PickleGlobal => {
    if (typeof value === 'object' && value !== null && (value as PickleGlobal).kind === 'global') return value as PickleGlobal;
    throw new PickleError(`the pickle is malformed (${op} on something that is not an allowed class or function)`);
  };
  const call = (fn: PickleGlobal, args: unknown): unknown => {
    if (!Array.isArray(args)) throw new PickleError('the pickle is malformed (arguments are not a tuple)');
    const result = fn.call(args);
    if (typeof result === 'object' && result !== null) made.set(result, fn);
    return result;
  };
  const setItems = (target: unknown, items: unknown[]): void => {
    if (!(target instanceof Map)) throw new PickleError('the pickle is malformed (SETITEM on something that is not a dict)');
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  };
  const append = (target: unknown, items: unknown[]): void => {
    if (!Array.isArray(target) || target instanceof PickleTuple) throw new PickleError('the pickle is malformed (APPEND on something that is not a list)');
    target.push(...items);
  };
  const tuple = (items: unknown[]): PickleTuple => {
    const t = new PickleTuple();
    t.push(...items);
    return t;
  };
  const long = (n: number): number | bigint => {
    const b = slice(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: need(8); break; // FRAME (the frame's bytes follow inline)
      case 0x2e: return { value: pop(), end: at }; // STOP
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x8a: stack.push(long(u8())); break; // LONG1
      case 0x8b: stack.push(long(u32())); break; // LONG4
      case 0x49: { // INT (protocol 0; "01"/"00" are booleans)
        const s = line();
        stack.push(s === '01' ? true : s === '00' ? false : Number.parseInt(s, 10));
        break;
      }
      case 0x4c: stack.push(Number.parseInt(line().replace(/L$/, ''), 10)); break; // LONG (protocol 0)
      case 0x47: stack.push(view.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x46: stack.push(Number.parseFloat(line())); break; // FLOAT
      case 0x58: { const n = u32(); stack.push(text.decode(slice(n))); break; } // BINUNICODE
      case 0x8c: { const n = u8(); stack.push(text.decode(slice(n))); break; } // SHORT_BINUNICODE
      case 0x8d: { const n = Number(view.getBigUint64(need(8), true)); stack.push(text.decode(slice(n))); break; } // BINUNICODE8
      case 0x54: { const n = u32(); stack.push(latin1.decode(slice(n))); break; } // BINSTRING
      case 0x55: { const n = u8(); stack.push(latin1.decode(slice(n))); break; } // SHORT_BINSTRING
      case 0x42: { const n = u32(); stack.push(slice(n)); break; } // BINBYTES
      case 0x43: { const n = u8(); stack.push(slice(n)); break; } // SHORT_BINBYTES
      case 0x8e: { const n = Number(view.getBigUint64(need(8), true)); stack.push(slice(n)); break; } // BINBYTES8
      case 0x29: stack.push(tuple([])); break; // EMPTY_TUPLE
      case 0x74: stack.push(tuple(popMark())); break; // TUPLE
      case 0x85: stack.push(tuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(tuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(tuple([a, b, c])); break; } // TUPLE3
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x61: { const v = pop(); append(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); append(top(), items); break; } // APPENDS
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x64: { const items = popMark(); const d = new Map(); setItems(d, items); stack.push(d); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x70: memo.set(Number.parseInt(line(), 10), top()); break; // PUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: case 0x67: { // BINGET, LONG_BINGET, GET
        const key = op === 0x68 ? u8() : op === 0x6a ? u32() : Number.parseInt(line(), 10);
        if (!memo.has(key)) throw new PickleError(`the pickle is malformed (memo ${key} read before it was written)`);
        stack.push(memo.get(key));
        break;
      }
      case 0x63: { const module = line(); const name = line(); stack.push(resolve(module, name)); break; } // GLOBAL
      case 0x93: { const name = pop(); const module = pop(); stack.push(resolve(String(module), String(name))); break; } // STACK_GLOBAL
      case 0x52: { const args = pop(); const fn = asGlobal(pop(), 'REDUCE'); stack.push(call(fn, args)); break; } // REDUCE
      case 0x81: { const args = pop(); const cls = asGlobal(pop(), 'NEWOBJ'); stack.push(call(cls, args)); break; } // NEWOBJ
      case 0x62: { // BUILD
        const state = pop();
        const target = top();
        const maker = typeof target === 'object' && target !== null ? made.get(target) : undefined;
        if (!maker?.build) throw new PickleError('it sets the state of an object that a plain state_dict never holds; it was refused');
        maker.build(target, state);
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!options.persistentLoad) throw new PickleError('the pickle refers to external data that is not expected here');
        stack.push(options.persistentLoad(pid));
        break;
      }
      case 0x50: { // PERSID
        const pid = line();
        if (!options.persistentLoad) throw new PickleError('the pickle refers to external data that is not expected here');
        stack.push(options.persistentLoad(pid));
        break;
      }
      default:
        throw new PickleError(`it uses the pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at - 1}, which a plain state_dict never needs; it was refused without running anything`);
    }
  }
}
