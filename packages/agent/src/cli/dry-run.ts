import { ticketLabel, type FixTicketIntent } from '@agentsmith/contracts';
import type { ResolvedProject } from '@agentsmith/providers';
import { stepsFor } from '../steps/step-registry.js';
import type { CredentialNeed } from './required-credentials.js';

/** The text `--dry-run` prints: project, ticket, pipeline, its steps and missing credentials. */
export function formatDryRun(
  intent: FixTicketIntent,
  resolved: ResolvedProject,
  missing: readonly CredentialNeed[],
): string {
  const { project } = resolved;
  const source = project.source.type === 'local' ? project.source.path : project.source.url;
  const tickets =
    'url' in project.tickets && project.tickets.url
      ? project.tickets.url
      : 'path' in project.tickets
        ? project.tickets.path
        : '';
  const lines = [
    'Dry run - nothing will be changed. Would execute:',
    `  Project:  ${resolved.name}`,
    `  Ticket:   ${ticketLabel(intent.ticketId)}`,
    `  Source:   ${project.source.type} ${source}`,
    `  Tickets:  ${project.tickets.type} ${tickets}`.trimEnd(),
    `  Agent:    ${project.agent.type}${project.agent.model ? ` ${project.agent.model}` : ''}`,
    `  Approval: ${project.approval}`,
    `  Branch:   fix/${intent.ticketId}`,
    `  Pipeline: ${resolved.pipelineName}`,
    '  Steps:',
    ...stepsFor(resolved.commands).map(
      (step, index) => `    ${index + 1}. ${step.name} - ${step.label}`,
    ),
  ];
  if (missing.length > 0) {
    lines.push('Warnings:');
    lines.push(
      ...missing.map((need) => `  - ${need.name} is not set (needed for ${need.purpose})`),
    );
  }
  return lines.join('\n');
}
