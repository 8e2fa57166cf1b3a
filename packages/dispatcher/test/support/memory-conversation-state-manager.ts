import type { ConversationState } from '@agentsmith/contracts';
import { conversationKey } from '@agentsmith/contracts';
import type {
  AcquireResult,
  ConversationStateManager,
} from '../../src/conversations/conversation-state-manager.js';

/** An in-memory {@link ConversationStateManager} for unit tests (no TTL). */
export class MemoryConversationStateManager implements ConversationStateManager {
  readonly #states = new Map<string, ConversationState>();

  acquire(state: ConversationState): Promise<AcquireResult> {
    const key = conversationKey(state.platform, state.channelId);
    const holder = this.#states.get(key);
    if (holder) return Promise.resolve({ acquired: false, holder });
    this.#states.set(key, state);
    return Promise.resolve({ acquired: true });
  }

  get(platform: string, channelId: string): Promise<ConversationState | null> {
    return Promise.resolve(this.#states.get(conversationKey(platform, channelId)) ?? null);
  }

  findByJobId(jobId: string): Promise<ConversationState | null> {
    return Promise.resolve(
      [...this.#states.values()].find((state) => state.jobId === jobId) ?? null,
    );
  }

  release(jobId: string): Promise<boolean> {
    for (const [key, state] of this.#states) {
      if (state.jobId === jobId) {
        this.#states.delete(key);
        return Promise.resolve(true);
      }
    }
    return Promise.resolve(false);
  }
}
