/** `$0.0123`, or `cost unknown` when a model had no price (never a misleading `$0`). */
export function formatCost(costUsd: number | undefined): string {
  if (costUsd === undefined) return 'cost unknown';
  return `$${costUsd.toFixed(costUsd < 1 ? 4 : 2)}`;
}
