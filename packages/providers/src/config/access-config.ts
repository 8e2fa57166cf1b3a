import { z } from 'zod';

const slackIds = (what: string) =>
  z
    .array(
      z
        .string()
        .regex(
          /^[A-Z0-9]{2,}$/,
          `a Slack ${what} id such as ${what === 'channel' ? 'C012AB3CD' : what === 'user' ? 'U012AB3CD' : 'S012AB3CD'}`,
        ),
    )
    .default([]);

/**
 * `projects.<name>.access` (dispatcher only): who may use the bot for this project, on top of the
 * dispatcher's own policy (`SLACK_ALLOWED_*`). An empty list leaves that dimension to the global
 * policy; admins (`SLACK_ADMIN_USERS`) are never refused.
 */
export const ProjectAccessConfig = z.object({
  /** Channel ids (`C…`) where requests for this project are taken. */
  channels: slackIds('channel').describe('Channel ids where requests for this project are taken'),
  /** User ids (`U…`) who may ask for this project. */
  users: slackIds('user').describe('User ids who may ask for this project'),
  /** User group ids (`S…`) whose members may ask for this project. */
  usergroups: slackIds('user group').describe('User group ids whose members may ask'),
});
export type ProjectAccessConfig = z.infer<typeof ProjectAccessConfig>;
