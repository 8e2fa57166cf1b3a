/** The project, ticket and model of the bundled demo recording (its header must name them). */
export const DEMO_RUN = {
  project: 'demo',
  ticketId: '1',
  provider: 'claude',
  model: 'scripted-demo',
} as const;

/** Where the demo's sample repository lives and where its markdown tickets are read. */
export interface DemoPaths {
  repository: string;
  tickets: string;
}

/**
 * The `agentsmith.yml` of the demo: one local project whose model is the one the bundled recording
 * was made with. The agent's `demo` and the dispatcher's `demo` write the same file, so a replay
 * through either sees the same project. JSON strings are YAML strings: any path is quoted safely.
 */
export function demoProjectConfig(paths: DemoPaths): string {
  return [
    '# Written by `agentsmith demo`: a local repository, local tickets, a replayed model session.',
    'projects:',
    `  ${DEMO_RUN.project}:`,
    `    source: { type: local, path: ${JSON.stringify(paths.repository)} }`,
    `    tickets: { type: local, path: ${JSON.stringify(paths.tickets)} }`,
    `    agent: { type: ${DEMO_RUN.provider}, model: ${DEMO_RUN.model}, retry: { max_retries: 0 } }`,
    '    pipeline: fix-bug',
    '    test: { command: npm test, timeout: 2m, repair_rounds: 0 }',
    '',
  ].join('\n');
}
