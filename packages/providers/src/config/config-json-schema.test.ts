import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from './command-names.js';
import { configJsonSchema } from './config-json-schema.js';

describe('config/config-json-schema', () => {
  it('describes the file as written: projects required, defaults optional, command names listed', () => {
    const schema = configJsonSchema();
    const text = JSON.stringify(schema);

    expect(schema['required']).toEqual(['projects']);
    expect(text).toContain('"repair_rounds"');
    expect(text).toContain('"coding_principles_path"');
    for (const name of COMMAND_NAMES) expect(text).toContain(`"${name}"`);
  });

  it('matches the committed config/agentsmith.schema.json (run npm run config:schema)', async () => {
    const committed = await readFile(
      new URL('../../../../config/agentsmith.schema.json', import.meta.url),
      'utf8',
    );

    expect(JSON.parse(committed)).toEqual(configJsonSchema());
  });
});
