import { z } from 'zod';

/** Ports a rule without `:port` admits: plain HTTP and HTTPS. */
const DEFAULT_PORTS = [80, 443] as const;

const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const RULE_PATTERN = new RegExp(
  `^(\\*\\.)?(${HOST_LABEL}(?:\\.${HOST_LABEL})*)(?::([0-9]{1,5}))?$`,
);

/** One parsed `egress.allow` entry. */
export interface EgressRule {
  /** The host name, lower case, without the `*.` of a wildcard. */
  host: string;
  /** True for `*.example.org`: any name below `example.org` (not `example.org` itself). */
  subdomains: boolean;
  /** The ports it admits. */
  ports: readonly number[];
}

/** Parses `registry.npmjs.org`, `*.pythonhosted.org`, `nexus.example.org:8443`; undefined when malformed. */
export function parseEgressRule(text: string): EgressRule | undefined {
  const match = RULE_PATTERN.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  // A numeric last label is an IP address (or part of one): rules name hosts.
  if (/^[0-9]+$/.test(match[2]!.split('.').pop()!)) return undefined;
  const port = match[3] === undefined ? undefined : Number(match[3]);
  if (port !== undefined && (port < 1 || port > 65_535)) return undefined;
  return {
    host: match[2]!,
    subdomains: match[1] !== undefined,
    ports: port === undefined ? DEFAULT_PORTS : [port],
  };
}

const EgressRuleText = z.string().refine((text) => parseEgressRule(text) !== undefined, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a host pattern: write a host name (registry.npmjs.org), a wildcard for its subdomains (*.pythonhosted.org) and optionally a port (nexus.example.org:8443)`,
});

/**
 * `projects.<name>.egress`: the hosts a job may reach through the broker's forward proxy (package
 * registries for setup and tests). Nothing is allowed by default (docs/security.md, "Egress").
 */
export const EgressConfig = z.object({
  allow: z
    .array(EgressRuleText)
    .default([])
    .describe(
      'Hosts the job may reach through the broker proxy: "registry.npmjs.org", "*.pythonhosted.org", "nexus.example.org:8443" (no port: 80 and 443)',
    ),
});
export type EgressConfig = z.infer<typeof EgressConfig>;

/** Whether `allow` admits a connection to `host`:`port` (host names only; an IP address never matches a rule). */
export function egressAllows(allow: readonly string[], host: string, port: number): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (/^[0-9.]+$/.test(name) || name.includes(':')) return false;
  return allow.some((text) => {
    const rule = parseEgressRule(text);
    if (!rule || !rule.ports.includes(port)) return false;
    return rule.subdomains ? name.endsWith(`.${rule.host}`) : name === rule.host;
  });
}

/** The `egress.allow` entry that admits `host`:`port`, as a person would add it. */
export function egressRuleFor(host: string, port: number): string {
  const name = host.toLowerCase().replace(/\.$/, '');
  return (DEFAULT_PORTS as readonly number[]).includes(port) ? name : `${name}:${port}`;
}
