import { StringDecoder } from "node:string_decoder";

/**
 * Longest line kept in memory. Protocol messages are a few hundred bytes; a program may still print a
 * 700 MB line (a tensor dump): what is longer than this is passed through in pieces and never parsed.
 */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Splits a byte stream into lines for `onLine`, holding at most `maxLine` characters of one line; the rest
 * of a longer line goes to `onOverflow` as it arrives (with the held part first), ended by a newline.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private pending = "";
  private overflowing = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: (text: string) => void,
    private readonly maxLine = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    this.take(this.decoder.write(chunk));
  }

  end(): void {
    this.take(this.decoder.end());
    if (this.overflowing) this.onOverflow(`${this.pending}\n`);
    else if (this.pending) this.onLine(this.pending);
    this.pending = "";
    this.overflowing = false;
  }

  private take(text: string): void {
    let start = 0;
    for (let newline = text.indexOf("\n", start); newline !== -1; newline = text.indexOf("\n", start)) {
      const piece = text.slice(start, newline).replace(/\r$/, "");
      if (this.overflowing) this.onOverflow(`${piece}\n`);
      else this.onLine(this.pending + piece);
      this.pending = "";
      this.overflowing = false;
      start = newline + 1;
    }
    const rest = text.slice(start);
    if (this.overflowing) {
      this.onOverflow(rest);
    } else if (this.pending.length + rest.length > this.maxLine) {
      this.onOverflow(this.pending + rest);
      this.pending = "";
      this.overflowing = true;
    } else {
      this.pending += rest;
    }
  }
}
