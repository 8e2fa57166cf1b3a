import type { SecretSanitizer } from '@agentsmith/kit';
import { withoutMentions, type GitHost, type Tracker } from '@agentsmith/providers';

/*
 * What the agent writes to the git host and the tracker, scrubbed of known secret values and
 * recognisable tokens on the way out (docs/security.md#output-hygiene): the pull request's title
 * and body, and every ticket comment (its hidden key too, which holds the failure reason). The
 * markdown bodies also lose their power to notify people: every @mention outside code is put in a
 * code span (providers' withoutMentions).
 */

export function sanitizedGitHost(gitHost: GitHost, sanitizer: SecretSanitizer): GitHost {
  return {
    type: gitHost.type,
    cloneSource: () => gitHost.cloneSource(),
    findDefaultBranch: (options) => gitHost.findDefaultBranch(options),
    ensurePullRequest: (input, options) =>
      gitHost.ensurePullRequest(
        {
          ...input,
          title: sanitizer.sanitize(input.title),
          body: withoutMentions(sanitizer.sanitize(input.body)),
        },
        options,
      ),
  };
}

export function sanitizedTracker(tracker: Tracker, sanitizer: SecretSanitizer): Tracker {
  return {
    type: tracker.type,
    getTicket: (ticketId, options) => tracker.getTicket(ticketId, options),
    listOpenTickets: (limit, options) => tracker.listOpenTickets(limit, options),
    ensureTicket: (ticket, options) =>
      tracker.ensureTicket(
        {
          title: sanitizer.sanitize(ticket.title),
          ...(ticket.description === undefined
            ? {}
            : { description: sanitizer.sanitize(ticket.description) }),
        },
        options,
      ),
    ensureComment: (ticketId, comment, options) =>
      tracker.ensureComment(
        ticketId,
        {
          key: sanitizer.sanitize(comment.key),
          body: withoutMentions(sanitizer.sanitize(comment.body)),
        },
        options,
      ),
    transitionTicket: (ticketId, state, options) =>
      tracker.transitionTicket(ticketId, state, options),
  };
}
