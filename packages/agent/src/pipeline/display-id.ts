/** `#58` for numeric ticket ids, `PROJ-58` as it is. */
export function displayId(ticketId: string): string {
  return /^\d+$/.test(ticketId) ? `#${ticketId}` : ticketId;
}
