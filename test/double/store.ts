/** The double's state: every resource by its path under the API root, kept in memory. */
export class Store {
  private readonly items = new Map<string, Record<string, any>>();
  private nextId = 1000;

  /** A fresh numeric id, as Compute gives one (a string of digits). */
  id(): string {
    return String(this.nextId++);
  }

  get(path: string): Record<string, any> | undefined {
    return this.items.get(path);
  }

  put(path: string, value: Record<string, any>): void {
    this.items.set(path, value);
  }

  delete(path: string): boolean {
    return this.items.delete(path);
  }

  /** The resources directly inside a collection path (`<collection>/<name>`, no deeper). */
  list(collection: string): Record<string, any>[] {
    const prefix = `${collection}/`;
    return [...this.items.entries()]
      .filter(([k]) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/'))
      .map(([, v]) => v);
  }

  /** Every stored path, sorted (for the test's "store is empty" checks). */
  paths(): string[] {
    return [...this.items.keys()].sort();
  }
}
