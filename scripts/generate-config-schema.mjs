// Writes config/agentsmith.schema.json from the zod schema of agentsmith.yml.
// Needs a build first (`npx tsc -b`); wired as `npm run config:schema`.
import { writeFile } from 'node:fs/promises';
import { configJsonSchema } from '../packages/providers/dist/index.js';

const target = new URL('../config/agentsmith.schema.json', import.meta.url);
await writeFile(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
