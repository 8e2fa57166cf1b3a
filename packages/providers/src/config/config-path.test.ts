import { describe, expect, it } from 'vitest';
import { resolveConfigPath } from './config-path.js';

describe('config/config-path', () => {
  it('prefers --config, then AGENTSMITH_CONFIG, then config/agentsmith.yml', () => {
    expect(resolveConfigPath('a.yml', { AGENTSMITH_CONFIG: 'b.yml' })).toEqual('a.yml');
    expect(resolveConfigPath(undefined, { AGENTSMITH_CONFIG: 'b.yml' })).toEqual('b.yml');
    expect(resolveConfigPath(undefined, { AGENTSMITH_CONFIG: ' ' })).toEqual(
      'config/agentsmith.yml',
    );
    expect(resolveConfigPath('', {})).toEqual('config/agentsmith.yml');
  });
});
