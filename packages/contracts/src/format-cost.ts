/**
 * An LLM cost for people: `$0.0123` below a dollar (where cents would hide it), `$12.50` above,
 * and `cost unknown` when a model had no price (never a misleading `$0`). Status replies, the
 * final card, the console and ticket comments all print it this way.
 */
export function formatCost(costUsd: number | undefined): string {
  if (costUsd === undefined) return 'cost unknown';
  return `$${costUsd.toFixed(costUsd < 1 ? 4 : 2)}`;
}
