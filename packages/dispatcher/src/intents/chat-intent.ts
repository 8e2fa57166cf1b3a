/** What a chat message asks for. Produced by {@link parseIntent}; pure data. */
export type ChatIntent =
  | { kind: 'fix'; ticketId: string; project: string }
  | { kind: 'list'; project: string }
  | { kind: 'create'; title: string; project: string; description?: string }
  | { kind: 'status' }
  | { kind: 'cancel' }
  /** The newest audit records (admins only). */
  | { kind: 'audit' }
  | { kind: 'help' }
  | { kind: 'greeting' }
  /** Anything else: answered with the help text. */
  | { kind: 'unknown'; text: string };
