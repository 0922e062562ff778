import { MlffdError } from '../errors.js';

/**
 * A backend plugin as the registry sees it: a factory that builds the backend, run once,
 * lazily, when the backend is first needed. Importing a backend package must cost nothing;
 * heavy work (loading native libraries, starting sessions) happens in `create`.
 */
export interface BackendFactory<T> {
  /** Builds and initialises the backend; throw with a reason when it cannot run here. */
  create(): Promise<T> | T;
}

/** One backend that was tried and why it failed. */
export interface BackendAttempt {
  name: string;
  reason: string;
}

/** Raised when no backend of those asked for could be initialised; lists each with its reason. */
export class NoBackendAvailableError extends MlffdError {
  constructor(
    readonly kind: string,
    readonly attempts: readonly BackendAttempt[],
  ) {
    super(
      attempts.length === 0
        ? `no ${kind} backend is registered`
        : `no ${kind} backend could be initialised; tried:\n${attempts.map((a) => `  - ${a.name}: ${a.reason}`).join('\n')}`,
    );
  }
}

/** Raised when a backend is asked for by a name nobody registered; lists the names that exist. */
export class UnknownBackendError extends MlffdError {
  constructor(
    readonly kind: string,
    readonly requested: string,
    readonly available: readonly string[],
  ) {
    super(
      `unknown ${kind} backend "${requested}"; available: ${available.join(', ') || '(none registered)'}`,
    );
  }
}

interface Entry<T> {
  name: string;
  priority: number;
  factory: BackendFactory<T>;
  order: number;
  state:
    | { status: 'idle' }
    | { status: 'pending'; promise: Promise<T> }
    | { status: 'ready'; backend: T }
    | { status: 'failed'; reason: string };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

/**
 * A registry of named backends with priorities, in the manner of onnxruntime's
 * `registerBackend`: each backend initialises lazily and once (concurrent callers share the
 * same initialisation), a failure is remembered and the next candidate is tried, and when
 * none works the error lists every backend with its reason.
 *
 * Create one with {@link createBackendRegistry} where global state is unwelcome (tests, the
 * CLI); packages register into a shared registry from their `register` entry point.
 */
export class BackendRegistry<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private counter = 0;

  /** @param kind what the backends are, for error messages ("execution", "calculator"). */
  constructor(readonly kind: string) {}

  /**
   * Registers a backend. A higher priority is tried first; equal priorities keep
   * registration order. Registering a name again replaces it when the priority is at
   * least as high (so a plugin can be upgraded), and is ignored otherwise.
   */
  register(name: string, factory: BackendFactory<T> | (() => Promise<T> | T), priority = 0): void {
    const existing = this.entries.get(name);
    if (existing && existing.priority > priority) return;
    const f = typeof factory === 'function' ? { create: factory } : factory;
    this.entries.set(name, {
      name,
      priority,
      factory: f,
      order: existing?.order ?? this.counter++,
      state: { status: 'idle' },
    });
  }

  /** Names of registered backends, highest priority first. */
  names(): string[] {
    return this.sorted().map((e) => e.name);
  }

  /** Whether a backend of that name is registered. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * The first backend that initialises, among `names` in the given order (or all,
   * highest priority first). Throws UnknownBackendError for a name not registered and
   * NoBackendAvailableError when every candidate failed.
   */
  async resolve(names?: readonly string[]): Promise<{ name: string; backend: T }> {
    const candidates = names
      ? names.map((n) => {
          const e = this.entries.get(n);
          if (!e) throw new UnknownBackendError(this.kind, n, this.names());
          return e;
        })
      : this.sorted();
    const attempts: BackendAttempt[] = [];
    for (const entry of candidates) {
      try {
        return { name: entry.name, backend: await this.init(entry) };
      } catch (error) {
        attempts.push({ name: entry.name, reason: describe(error) });
      }
    }
    throw new NoBackendAvailableError(this.kind, attempts);
  }

  /** The backend of that name, initialised; throws with its reason when it cannot be. */
  async get(name: string): Promise<T> {
    return (await this.resolve([name])).backend;
  }

  private init(entry: Entry<T>): Promise<T> {
    const s = entry.state;
    if (s.status === 'ready') return Promise.resolve(s.backend);
    if (s.status === 'failed') return Promise.reject(new Error(s.reason));
    if (s.status === 'pending') return s.promise;
    const promise = (async () => entry.factory.create())().then(
      (backend) => {
        entry.state = { status: 'ready', backend };
        return backend;
      },
      (error: unknown) => {
        entry.state = { status: 'failed', reason: describe(error) };
        throw error;
      },
    );
    entry.state = { status: 'pending', promise };
    return promise;
  }

  private sorted(): Entry<T>[] {
    return [...this.entries.values()].sort((a, b) => b.priority - a.priority || a.order - b.order);
  }
}

/** A new, empty registry, independent of any global one. */
export function createBackendRegistry<T>(kind: string): BackendRegistry<T> {
  return new BackendRegistry<T>(kind);
}
