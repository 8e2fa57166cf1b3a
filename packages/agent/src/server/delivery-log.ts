/** GitHub signs deliveries without a timestamp, so a captured one stays valid: remember ids long. */
export const DELIVERY_MEMORY_SECONDS = 7 * 24 * 3600;

/** Remembers which webhook deliveries (`X-GitHub-Delivery`) were handled. */
export interface DeliveryLog {
  /** True the first time `deliveryId` is seen; false for a replay. */
  firstSeen(deliveryId: string): Promise<boolean>;
  close?(): Promise<void>;
}

/**
 * {@link DeliveryLog} in this process only (no `--redis-url`): replays are caught until a restart.
 * Holds at most `capacity` ids; the oldest are forgotten first.
 */
export class MemoryDeliveryLog implements DeliveryLog {
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly ttlSeconds = DELIVERY_MEMORY_SECONDS,
    private readonly capacity = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  firstSeen(deliveryId: string): Promise<boolean> {
    const expiresAt = this.#seen.get(deliveryId);
    if (expiresAt !== undefined && expiresAt > this.now()) return Promise.resolve(false);
    this.#seen.delete(deliveryId);
    this.#seen.set(deliveryId, this.now() + this.ttlSeconds * 1000);
    if (this.#seen.size > this.capacity) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    return Promise.resolve(true);
  }
}
