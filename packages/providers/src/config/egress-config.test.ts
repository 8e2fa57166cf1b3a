import { describe, expect, it } from 'vitest';
import { EgressConfig, egressAllows, egressRuleFor, parseEgressRule } from './egress-config.js';

describe('config/egress-config', () => {
  it('allows nothing by default', () => {
    const config = EgressConfig.parse({});

    expect(config.allow).toEqual([]);
    expect(egressAllows(config.allow, 'registry.npmjs.org', 443)).toBe(false);
  });

  it('matches an exact host on 80 and 443 only, case-insensitively', () => {
    const allow = ['registry.npmjs.org'];

    expect(egressAllows(allow, 'registry.npmjs.org', 443)).toBe(true);
    expect(egressAllows(allow, 'Registry.NPMJS.org.', 80)).toBe(true);
    expect(egressAllows(allow, 'registry.npmjs.org', 22)).toBe(false);
    expect(egressAllows(allow, 'evil.registry.npmjs.org', 443)).toBe(false);
    expect(egressAllows(allow, 'registry.npmjs.org.evil.example', 443)).toBe(false);
  });

  it('matches a wildcard below its domain, never the domain itself or a look-alike', () => {
    const allow = ['*.pythonhosted.org'];

    expect(egressAllows(allow, 'files.pythonhosted.org', 443)).toBe(true);
    expect(egressAllows(allow, 'a.b.pythonhosted.org', 443)).toBe(true);
    expect(egressAllows(allow, 'pythonhosted.org', 443)).toBe(false);
    expect(egressAllows(allow, 'evilpythonhosted.org', 443)).toBe(false);
  });

  it('limits a rule with a port to that port', () => {
    const allow = ['nexus.example.org:8443'];

    expect(egressAllows(allow, 'nexus.example.org', 8443)).toBe(true);
    expect(egressAllows(allow, 'nexus.example.org', 443)).toBe(false);
  });

  it('never matches an IP address against a host rule', () => {
    expect(egressAllows(['*.0.0.1'], '127.0.0.1', 443)).toBe(false);
  });

  it('refuses malformed patterns with a message that shows the accepted forms', () => {
    const result = EgressConfig.safeParse({ allow: ['https://pypi.org/simple'] });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('*.pythonhosted.org');
    expect(parseEgressRule('*')).toBeUndefined();
    expect(parseEgressRule('pypi.org:70000')).toBeUndefined();
    expect(parseEgressRule('a.*.org')).toBeUndefined();
    expect(parseEgressRule('10.0.0.1')).toBeUndefined();
  });

  it('names the rule that would admit a refused host', () => {
    expect(egressRuleFor('PyPI.org', 443)).toBe('pypi.org');
    expect(egressRuleFor('nexus.example.org', 8443)).toBe('nexus.example.org:8443');
  });
});
