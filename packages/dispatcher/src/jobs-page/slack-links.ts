/**
 * The Slack thread of a job: its permalink in the workspace (`<workspace>/archives/<channel>/p<ts>`)
 * when the workspace's URL is known, else the app_redirect form, which opens the channel.
 */
export function slackThreadUrl(
  thread: { channelId: string; threadTs?: string | undefined },
  workspaceUrl: string | undefined,
): string {
  const channel = encodeURIComponent(thread.channelId);
  if (workspaceUrl && thread.threadTs && /^\d+\.\d+$/.test(thread.threadTs)) {
    const base = workspaceUrl.replace(/\/?$/, '/');
    return `${base}archives/${channel}/p${thread.threadTs.replace('.', '')}`;
  }
  return `https://slack.com/app_redirect?channel=${channel}`;
}
