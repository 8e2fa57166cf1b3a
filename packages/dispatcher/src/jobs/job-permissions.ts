/** Who may control a job (cancel it, answer its questions, approve its spending). */
export function mayControlJob(
  userId: string,
  job: { requestedBy?: string | undefined },
  admins: ReadonlySet<string>,
): boolean {
  return admins.has(userId) || (job.requestedBy !== undefined && job.requestedBy === userId);
}
