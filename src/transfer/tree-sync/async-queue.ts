/** An unbounded FIFO that consumers can await; `close` ends it for every waiting consumer. */
export class AsyncQueue<T> {
  private items: T[] = [];
  private head = 0;
  private waiters: ((v: T | undefined) => void)[] = [];
  private closed = false;

  push(item: T): void {
    const w = this.waiters.shift();
    if (w) w(item);
    else this.items.push(item);
  }

  /** The next item, or undefined once the queue is closed and drained. */
  async take(): Promise<T | undefined> {
    if (this.head < this.items.length) {
      const item = this.items[this.head] as T;
      (this.items as (T | undefined)[])[this.head] = undefined;
      this.head += 1;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return item;
    }
    if (this.closed) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next item without taking it, if one is ready. */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Takes the next item if one is ready, without waiting. */
  tryTake(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    (this.items as (T | undefined)[])[this.head] = undefined;
    this.head += 1;
    return item;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
