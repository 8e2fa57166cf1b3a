import type Docker from 'dockerode';
import type { Logger } from '@agentsmith/kit';

/** How a container ended, captured before `AutoRemove` deletes the evidence. */
export interface ContainerExit {
  exitCode: number;
  oomKilled: boolean;
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
 */
export class DockerExitMonitor {
  readonly #oomKilled = new Set<string>();
  readonly #exits = new Map<string, ContainerExit>();
  readonly #waiters = new Map<string, Array<(exit: ContainerExit) => void>>();
  #stream: (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
  #starting: Promise<void> | undefined;
  #closed = false;

  constructor(
    private readonly docker: Docker,
    private readonly label: string,
    private readonly logger: Logger,
  ) {}

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
    this.#stream?.destroy?.();
    this.#stream = undefined;
  }

  async #open(): Promise<void> {
    const stream = (await this.docker.getEvents({
      filters: { type: ['container'], event: ['die', 'oom'], label: [this.label] },
    })) as NodeJS.ReadableStream & { destroy?: () => void };
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
    stream.on('close', () => {
      this.#starting = undefined;
      if (!this.#closed)
        this.logger.warn({}, 'docker event stream closed; container.wait() remains as backup');
    });
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
