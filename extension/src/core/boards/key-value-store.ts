/** Persistent state, shaped like vscode.Memento so workspace state plugs in directly; the CLI uses a JSON file. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}
