/**
 * Collects process output up to a byte budget, keeping the head and the tail and dropping the
 * middle (the start shows what ran, the end shows how it failed).
 */
export class OutputBuffer {
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private head = '';
  private tail = '';
  private dropped = 0;

  constructor(maxBytes: number) {
    this.headLimit = Math.floor(maxBytes / 2);
    this.tailLimit = maxBytes - this.headLimit;
  }

  append(chunk: string): void {
    if (this.head.length < this.headLimit && this.dropped === 0 && this.tail === '') {
      const room = this.headLimit - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
      if (chunk === '') return;
    }
    this.tail += chunk;
    if (this.tail.length > this.tailLimit) {
      const excess = this.tail.length - this.tailLimit;
      this.dropped += excess;
      this.tail = this.tail.slice(excess);
    }
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  toString(): string {
    if (this.dropped === 0) return this.head + this.tail;
    return `${this.head}\n[... ${this.dropped} characters of output omitted ...]\n${this.tail}`;
  }
}
