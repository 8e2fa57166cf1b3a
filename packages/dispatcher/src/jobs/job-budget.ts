/** A project's jobs together reached its daily LLM cap. */
export interface DailyCapReached {
  project: string;
  capUsd: number;
  spentUsd: number;
  /** Epoch ms of the next midnight UTC, when the cap resets. */
  resetsAt: number;
}

/**
 * The requester's say over a job's spending (the port `broker/` implements over its ledger): the
 * answer to the 80 % budget question, and the project's daily cap before a job starts.
 */
export interface JobBudgetControl {
  /**
   * "Continue": raises the job's cap by its step, once per question and only while the job is at
   * its question threshold. Returns the new cap in US dollars, or undefined when nothing changed.
   */
  continueJob(jobId: string, questionId: string): Promise<number | undefined>;
  /** "Stop" (or no answer in time): the broker refuses every further LLM call of the job. */
  stopJob(jobId: string, reason: string): Promise<void>;
  /** The project's daily cap when it is reached today, else undefined. */
  dailyCapReached(project: string): Promise<DailyCapReached | undefined>;
  /** "project … spent $… of its $… daily LLM cap …; it resets at … UTC." */
  describeDailyCap(reached: DailyCapReached): string;
}
