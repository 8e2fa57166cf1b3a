// Writes config/agentsmith.schema.json from the zod schema of agentsmith.yml.
// Needs a build first (`npx tsc -b`); wired as `npm run config:schema`.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { configJsonSchema } from '../packages/providers/dist/index.js';

const target = fileURLToPath(new URL('../config/agentsmith.schema.json', import.meta.url));
const options = (await prettier.resolveConfig(target)) ?? {};
const text = await prettier.format(JSON.stringify(configJsonSchema()), {
  ...options,
  filepath: target,
});
await writeFile(target, text);
console.log(`wrote ${target}`);
