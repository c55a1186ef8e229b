/** A UTF-8 byte-order mark at the start of a decompressed stream, found even when chunks split it. */
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export class ByteOrderMark {
  /** The stream began with a byte-order mark (skipped). */
  found = false;
  private head: Buffer | undefined = Buffer.alloc(0);

  /** The text to read from `chunk`: held back until the first 3 bytes are known, then without the mark. */
  strip(chunk: Buffer): Buffer | undefined {
    if (!this.head) return chunk;
    const head = Buffer.concat([this.head, chunk]);
    if (head.length < BOM.length) {
      this.head = head;
      return undefined;
    }
    this.head = undefined;
    this.found = head.subarray(0, BOM.length).equals(BOM);
    return this.found ? head.subarray(BOM.length) : head;
  }

  /** What is still held back at the end (a stream shorter than a mark). */
  rest(): Buffer | undefined {
    const head = this.head;
    this.head = undefined;
    return head && head.length > 0 && !BOM.subarray(0, head.length).equals(head) ? head : undefined;
  }
}
