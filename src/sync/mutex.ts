// Runs one task at a time, in call order.
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  private running = 0;

  get busy(): boolean {
    return this.running > 0;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(async () => {
      this.running++;
      try {
        return await task();
      } finally {
        this.running--;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
