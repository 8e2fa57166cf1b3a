import type Docker from 'dockerode';
import { withTimeout, type Logger } from '@agentsmith/kit';
import { isStatus } from './docker-errors.js';

/** How a container ended, captured before `AutoRemove` deletes the evidence. */
export interface ContainerExit {
  exitCode: number;
  oomKilled: boolean;
  /** The container was gone when looked for (e.g. removed while the event stream was down). */
  vanished?: boolean;
}

export interface DockerExitMonitorOptions {
  /** Longest wait for opening the stream or one inspect (default 30 s). */
  callTimeoutMs?: number;
  /** First wait before reopening a lost event stream; doubles up to `maxReopenDelayMs`. */
  reopenDelayMs?: number;
  maxReopenDelayMs?: number;
}

interface DockerEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** Gives a late `oom` event time to arrive after `die` (the engine emits them close together). */
const OOM_SETTLE_MS = 300;

/**
 * Follows the engine's `die`/`oom` events for containers carrying `label`, so the exit code and the
 * OOM flag of an `AutoRemove` container survive its removal. Waiters register before the
 * container starts; a `container.wait()` attached before start backs the event stream up.
 *
 * A stream that ends (the daemon restarted) is reopened with back-off; every container still
 * waited for is then inspected, because its `die` may have happened while nobody listened.
 */
export class DockerExitMonitor {
  readonly #oomKilled = new Set<string>();
  readonly #exits = new Map<string, ContainerExit>();
  readonly #waiters = new Map<string, Array<(exit: ContainerExit) => void>>();
  #stream: (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
  #starting: Promise<void> | undefined;
  #closed = false;
  #reopenTimer: NodeJS.Timeout | undefined;
  #reopenDelayMs: number;
  readonly #callTimeoutMs: number;

  constructor(
    private readonly docker: Docker,
    private readonly label: string,
    private readonly logger: Logger,
    private readonly options: DockerExitMonitorOptions = {},
  ) {
    this.#callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.#reopenDelayMs = options.reopenDelayMs ?? 500;
  }

  /** Opens the event stream once; later calls wait for the same opening. */
  start(): Promise<void> {
    this.#starting ??= this.#open().catch((error: unknown) => {
      this.#starting = undefined;
      throw error;
    });
    return this.#starting;
  }

  /** Resolves when container `name` exits. Call before starting it. */
  exitOf(name: string, container?: Docker.Container): Promise<ContainerExit> {
    const known = this.#exits.get(name);
    if (known) return Promise.resolve(known);
    const result = new Promise<ContainerExit>((resolve) => {
      const list = this.#waiters.get(name) ?? [];
      list.push(resolve);
      this.#waiters.set(name, list);
    });
    if (container) {
      container
        .wait({ condition: 'next-exit' })
        .then((answer: { StatusCode?: number }) => this.#died(name, answer.StatusCode ?? -1))
        .catch(() => undefined);
    }
    return result;
  }

  /** Records an exit learned elsewhere (e.g. by inspecting a stopped container). */
  recordExit(name: string, exit: ContainerExit): void {
    this.#settle(name, exit);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#reopenTimer);
    this.#stream?.destroy?.();
    this.#stream = undefined;
  }

  async #open(): Promise<void> {
    const stream = (await withTimeout(
      this.docker.getEvents({
        filters: { type: ['container'], event: ['die', 'oom'], label: [this.label] },
      }),
      this.#callTimeoutMs,
      'docker events',
    )) as NodeJS.ReadableStream & { destroy?: () => void };
    if (this.#closed) {
      stream.destroy?.();
      return;
    }
    this.#stream = stream;
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        this.#onLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
    });
    stream.on('error', (error: Error) =>
      this.logger.warn({ err: error }, 'docker event stream failed'),
    );
    let ended = false;
    const onEnd = () => {
      if (ended) return;
      ended = true;
      this.#starting = undefined;
      if (this.#stream === stream) this.#stream = undefined;
      if (this.#closed) return;
      this.logger.warn({}, 'docker event stream ended (daemon restarted?); reopening it');
      this.#scheduleReopen();
    };
    stream.on('end', onEnd);
    stream.on('close', onEnd);
  }

  /** Reopens the stream after a back-off, then looks at every container still waited for. */
  #scheduleReopen(): void {
    clearTimeout(this.#reopenTimer);
    const delay = this.#reopenDelayMs;
    this.#reopenTimer = setTimeout(() => {
      this.start().then(
        () => {
          this.#reopenDelayMs = this.options.reopenDelayMs ?? 500;
          this.logger.info({}, 'docker event stream reopened');
          void this.#reconcile();
        },
        (error: unknown) => {
          this.#reopenDelayMs = Math.min(
            this.options.maxReopenDelayMs ?? 30_000,
            this.#reopenDelayMs * 2,
          );
          this.logger.warn(
            { err: error, retryInMs: this.#reopenDelayMs },
            'docker event stream cannot be reopened yet',
          );
          if (!this.#closed) this.#scheduleReopen();
        },
      );
    }, delay);
    this.#reopenTimer.unref();
  }

  /** Settles every waited-for container that ended (or disappeared) while the stream was down. */
  async #reconcile(): Promise<void> {
    await Promise.all(
      [...this.#waiters.keys()].map(async (name) => {
        try {
          const { State: state } = await withTimeout(
            this.docker.getContainer(name).inspect(),
            this.#callTimeoutMs,
            `docker inspect ${name}`,
          );
          if (state.Running) {
            this.docker
              .getContainer(name)
              .wait({ condition: 'next-exit' })
              .then((answer: { StatusCode?: number }) => this.#died(name, answer.StatusCode ?? -1))
              .catch(() => undefined);
            return;
          }
          this.#settle(name, { exitCode: state.ExitCode, oomKilled: state.OOMKilled });
        } catch (error) {
          if (isStatus(error, 404)) {
            this.#settle(name, { exitCode: -1, oomKilled: false, vanished: true });
            return;
          }
          this.logger.warn({ err: error, name }, 'could not inspect a container after a reopen');
        }
      }),
    );
  }

  #onLine(line: string): void {
    if (!line.trim()) return;
    let event: DockerEvent;
    try {
      event = JSON.parse(line) as DockerEvent;
    } catch {
      return;
    }
    const name = event.Actor?.Attributes?.['name'];
    if (!name) return;
    if (event.Action === 'oom') this.#oomKilled.add(name);
    if (event.Action === 'die')
      this.#died(name, Number(event.Actor?.Attributes?.['exitCode'] ?? -1));
  }

  #died(name: string, exitCode: number): void {
    if (this.#exits.has(name)) return;
    setTimeout(
      () => this.#settle(name, { exitCode, oomKilled: this.#oomKilled.has(name) }),
      OOM_SETTLE_MS,
    );
  }

  #settle(name: string, exit: ContainerExit): void {
    if (this.#exits.has(name)) return;
    this.#exits.set(name, exit);
    this.#oomKilled.delete(name);
    for (const resolve of this.#waiters.get(name) ?? []) resolve(exit);
    this.#waiters.delete(name);
    // Keep only recent exits: a waiter that comes later than this is served by inspect or "vanished".
    if (this.#exits.size > 500) {
      const oldest = this.#exits.keys().next().value;
      if (oldest !== undefined) this.#exits.delete(oldest);
    }
  }
}
