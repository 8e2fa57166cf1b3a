import { access, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CodeAnalysis } from '../pipeline/run-ports.js';

const SKIPPED_DIRECTORIES = new Set([
  '.git',
  'node_modules',
  'dist',
  'build',
  'target',
  '.venv',
  'vendor',
]);
const MAX_FILES = 2000;
const OVERVIEW_FILES = 200;

/** Project types by marker file at the repository root, first match wins. */
const MARKERS: [file: string, type: string][] = [
  ['package.json', 'node'],
  ['pyproject.toml', 'python'],
  ['setup.py', 'python'],
  ['go.mod', 'go'],
  ['Cargo.toml', 'rust'],
  ['pom.xml', 'java'],
  ['build.gradle', 'java'],
  ['build.gradle.kts', 'java'],
  ['Makefile', 'make'],
];

/** A deterministic look at the repository: its files (sorted) and its kind of project. */
export async function analyzeRepository(root: string, signal: AbortSignal): Promise<CodeAnalysis> {
  const files: string[] = [];
  await walk(root, root, files, signal);
  files.sort();
  const projectType = await detectProjectType(root, files);
  const listed = files.slice(0, OVERVIEW_FILES).map((file) => `- ${file}`);
  if (files.length > OVERVIEW_FILES) listed.push(`- … and ${files.length - OVERVIEW_FILES} more`);
  const overview = [
    `Project type: ${projectType ?? 'unknown'}`,
    `Files (${files.length}${files.length >= MAX_FILES ? '+' : ''}):`,
    ...listed,
  ].join('\n');
  return { files, projectType, overview };
}

async function walk(
  root: string,
  directory: string,
  files: string[],
  signal: AbortSignal,
): Promise<void> {
  signal.throwIfAborted();
  const entries = await readdir(directory, { withFileTypes: true });
  for (const entry of entries) {
    if (files.length >= MAX_FILES) return;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(root, path, files, signal);
    } else if (entry.isFile()) {
      files.push(relative(root, path).split('\\').join('/'));
    }
  }
}

async function detectProjectType(root: string, files: string[]): Promise<string | null> {
  for (const [marker, type] of MARKERS) {
    try {
      await access(join(root, marker));
      return type;
    } catch {
      // Not this kind of project.
    }
  }
  if (files.some((file) => file.endsWith('.csproj') || file.endsWith('.sln'))) return 'dotnet';
  if (files.some((file) => file.endsWith('.py'))) return 'python';
  return null;
}
