/**
 * The text of an earlier notebook cell, read for its classes and constants while another cell is analysed. Its
 * ranges are moved far below any real line, so nothing found there is ever shown in the cell being analysed.
 */
import { SourceText } from '../model/parse/sourceText';
import type { Position, Range } from '../model/types';

/** Lines at or past this belong to another cell. */
export const OTHER_CELL_LINE = 1_000_000;

export class OtherCellText extends SourceText {
  constructor(text: string, private readonly cellIndex: number) {
    super(text);
  }

  override position(offset: number): Position {
    const p = super.position(offset);
    return { line: p.line + OTHER_CELL_LINE * (this.cellIndex + 1), character: p.character };
  }
}

export function inOtherCell(range: Range): boolean {
  return range.start.line >= OTHER_CELL_LINE;
}

/** Messages name layers by line ("Conv2d at line 7"): a line of another cell is named as such. */
export function localMessage(message: string): string {
  return message.replace(/ at line (\d+)/g, (all, n: string) => (Number(n) > OTHER_CELL_LINE ? ' in an earlier cell' : all));
}
