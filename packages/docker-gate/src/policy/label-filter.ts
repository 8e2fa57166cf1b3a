import { MANAGED_BY_FILTER, refuse, type Refusal } from './gate-policy.js';

/**
 * The engine's `filters` query value (`{"label":["a=b"]}`, or the older map form
 * `{"label":{"a=b":true}}`) with the `managed-by` label added. Label filters are combined with
 * AND, so whatever else the caller filters on, only agent containers can match. `force` adds
 * further fixed filters (e.g. `type=container` for events).
 */
export function withManagedByFilter(
  filters: string | null,
  force: Record<string, string> = {},
): string | Refusal {
  let parsed: unknown = {};
  if (filters) {
    try {
      parsed = JSON.parse(filters);
    } catch {
      return refuse('filters is not JSON');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return refuse('filters must be a JSON object');
  const result: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
      result[key] = value;
    else if (typeof value === 'object' && value !== null)
      result[key] = Object.entries(value as Record<string, unknown>)
        .filter(([, on]) => on === true)
        .map(([item]) => item);
    else return refuse(`filters.${key} must be a list of strings`);
  }
  result['label'] = [...new Set([...(result['label'] ?? []), MANAGED_BY_FILTER])];
  for (const [key, value] of Object.entries(force)) result[key] = [value];
  return JSON.stringify(result);
}
