import { z } from 'zod';
import { AgentsmithConfig } from './agentsmith-config.js';

/**
 * The JSON Schema of `agentsmith.yml` as an author writes it (defaults optional), for editors
 * (`# yaml-language-server: $schema=…`). Written to config/agentsmith.schema.json by
 * `npm run config:schema`.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(AgentsmithConfig, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'agentsmith.yml',
    description:
      'Projects and pipelines of Agent Smith (snake_case keys; ${VAR} is expanded in strings).',
  };
}
