import { wrapLanguageModel } from 'ai';
import type { ModelRole, ModelSet, RoleModel } from '../model-registry.js';
import type { SessionRecorder } from './session-recorder.js';
import type { SessionReplayer } from './session-replayer.js';

/** A run whose model calls are recorded (`--record`) or answered from a recording (`--replay`). */
export type ModelSession =
  { mode: 'record'; recorder: SessionRecorder } | { mode: 'replay'; replayer: SessionReplayer };

/**
 * Puts the recorder or the replayer in front of every role's model. The loop keeps calling the
 * models it was given; only what answers them changes.
 */
export function withModelSession(models: ModelSet, session: ModelSession | undefined): ModelSet {
  if (session === undefined) return models;
  const wrap = (role: ModelRole, roleModel: RoleModel): RoleModel => {
    if (typeof roleModel.model === 'string') {
      throw new Error(`The ${role} model is a gateway id; recording needs a provider model.`);
    }
    const middleware =
      session.mode === 'record'
        ? session.recorder.middleware(role, roleModel.modelId)
        : session.replayer.middleware(role, roleModel.modelId);
    return { ...roleModel, model: wrapLanguageModel({ model: roleModel.model, middleware }) };
  };
  return Object.fromEntries(
    Object.entries(models).map(([role, roleModel]) => [role, wrap(role as ModelRole, roleModel)]),
  ) as ModelSet;
}
