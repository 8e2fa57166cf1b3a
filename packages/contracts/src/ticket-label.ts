/**
 * How a ticket is written for people and in the agent's input line: `#58` for a numeric id (GitHub,
 * GitLab, Azure DevOps), the key as it is otherwise (`PROJ-58`).
 */
export function ticketLabel(ticketId: string): string {
  return /^\d+$/.test(ticketId) ? `#${ticketId}` : ticketId;
}

/** The inverse of {@link ticketLabel}: `#58` → `58`, `PROJ-58` → `PROJ-58`. */
export function ticketIdFromLabel(label: string): string {
  return /^#\d+$/.test(label) ? label.slice(1) : label;
}
