import { LLM_PROVIDER_TYPES } from './agent-llm-config.js';
import { SOURCE_TYPES, TICKET_TYPES } from './source-config.js';

/**
 * What this build can run. The schema knows more types (so a reference file still reads and the
 * JSON schema documents them); `config validate` refuses the ones missing here as "not supported
 * yet". A new adapter is switched on by adding its type here.
 */
const SUPPORTED_TYPES = {
  /** `projects.<name>.source.type` */
  source: ['github', 'local'],
  /** `projects.<name>.tickets.type` */
  tickets: ['github', 'local'],
  /** `projects.<name>.agent.type` */
  agent: LLM_PROVIDER_TYPES,
} as const satisfies Record<string, readonly string[]>;

/**
 * A problem for every project block whose `type` the schema knows but this build cannot run,
 * with its path and value.
 */
export function unsupportedTypeProblems(raw: unknown): string[] {
  if (!isRecord(raw) || !isRecord(raw['projects'])) return [];
  const problems: string[] = [];
  for (const [name, project] of Object.entries(raw['projects'])) {
    if (!isRecord(project)) continue;
    for (const [block, supported] of Object.entries(SUPPORTED_TYPES)) {
      const section = project[block];
      const type = isRecord(section) ? section['type'] : undefined;
      if (typeof type !== 'string' || (supported as readonly string[]).includes(type)) continue;
      if (!knownTypes(block).includes(type)) continue; // the schema reports unknown values
      problems.push(
        `projects.${name}.${block}.type: "${type}" is not supported yet (this build runs: ${supported.join(', ')})`,
      );
    }
  }
  return problems;
}

/** Every type the schema accepts in each block. */
const KNOWN_TYPES: Record<keyof typeof SUPPORTED_TYPES, readonly string[]> = {
  source: SOURCE_TYPES,
  tickets: TICKET_TYPES,
  agent: LLM_PROVIDER_TYPES,
};

function knownTypes(block: string): readonly string[] {
  return KNOWN_TYPES[block as keyof typeof SUPPORTED_TYPES];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
