import type { Answer, InboundEntry, OutboundEntry } from '@agentsmith/contracts';
import type { JobStore, QuestionRecord, TrackedJob } from '../../src/jobs/job-store.js';

/** An in-memory {@link JobStore} for unit tests: records what was written to the streams. */
export class MemoryJobStore implements JobStore {
  readonly jobs = new Map<string, TrackedJob>();
  readonly toAgent: InboundEntry[] = [];
  readonly asAgent: OutboundEntry[] = [];
  readonly questions = new Map<string, QuestionRecord>();

  track(job: TrackedJob): Promise<void> {
    this.jobs.set(job.jobId, { ...job });
    return Promise.resolve();
  }

  untrack(jobId: string): Promise<void> {
    this.jobs.delete(jobId);
    return Promise.resolve();
  }

  get(jobId: string): Promise<TrackedJob | null> {
    const job = this.jobs.get(jobId);
    return Promise.resolve(job ? { ...job } : null);
  }

  patch(jobId: string, fields: Partial<TrackedJob>): Promise<void> {
    const job = this.jobs.get(jobId);
    if (job) Object.assign(job, fields);
    return Promise.resolve();
  }

  writeToAgent(entry: InboundEntry): Promise<void> {
    this.toAgent.push(entry);
    return Promise.resolve();
  }

  writeAsAgent(entry: OutboundEntry): Promise<void> {
    this.asAgent.push(entry);
    return Promise.resolve();
  }

  saveQuestion(question: QuestionRecord): Promise<void> {
    this.questions.set(`${question.jobId}:${question.questionId}`, { ...question });
    return Promise.resolve();
  }

  question(jobId: string, questionId: string): Promise<QuestionRecord | null> {
    const question = this.questions.get(`${jobId}:${questionId}`);
    return Promise.resolve(question ? { ...question } : null);
  }

  hasFinalEntry(jobId: string): Promise<boolean> {
    return Promise.resolve(
      this.asAgent.some(
        (entry) => entry.jobId === jobId && (entry.type === 'done' || entry.type === 'error'),
      ),
    );
  }

  claimQuestion(answer: Answer): Promise<QuestionRecord | null> {
    const question = this.questions.get(`${answer.jobId}:${answer.questionId}`);
    if (!question || question.status !== 'pending') return Promise.resolve(null);
    Object.assign(question, {
      status: 'answered',
      answer: answer.content,
      answeredBy: answer.answeredBy,
    });
    this.toAgent.push(answer);
    return Promise.resolve({ ...question });
  }
}
