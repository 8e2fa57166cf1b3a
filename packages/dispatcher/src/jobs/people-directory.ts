/** What the chat platform says about a person (Slack: `users.info`). */
export interface ChatPerson {
  userId: string;
  /** The person's home workspace. */
  teamId: string | undefined;
  /** A guest: `single-channel` (`is_ultra_restricted`) or `multi-channel` (`is_restricted`). */
  guest: 'single-channel' | 'multi-channel' | undefined;
  /** Slack marks people it shows only partly, from an organisation not connected to ours. */
  stranger: boolean;
  deleted: boolean;
  bot: boolean;
}

/** Who people are and which user groups they belong to; answers may be cached for a while. */
export interface PeopleDirectory {
  /** Throws when the person cannot be looked up. */
  person(userId: string): Promise<ChatPerson>;
  /** The members of a user group (`S…`). Throws when the group cannot be read. */
  groupMembers(groupId: string): Promise<ReadonlySet<string>>;
  /** The workspace the app is installed in. */
  homeTeamId(): Promise<string | undefined>;
}
