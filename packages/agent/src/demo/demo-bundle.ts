import { fileURLToPath } from 'node:url';
import type { BundledRecording } from '@agentsmith/contracts';

/** The agent's installation root (the repository, or /app in the image): dist/demo/../../../.. */
const INSTALL_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * What `agentsmith demo` runs on, shipped with the agent (and in its image): the sample
 * repository, its markdown tickets and the recorded model session that fixes ticket #1.
 */
export interface DemoBundle {
  /** The sample repository's files (a tiny Node package whose `add` subtracts). */
  repository: string;
  /** Local markdown tickets; the example configuration's `demo` project reads the same folder. */
  tickets: string;
  /** Made by `node scripts/record-demo-session.mjs` with the product's own `--record`. */
  recording: string;
}

export { DEMO_RUN } from '@agentsmith/providers';

export function demoBundle(installRoot = INSTALL_ROOT): DemoBundle {
  return {
    repository: `${installRoot}packages/agent/demo/repository`,
    tickets: `${installRoot}config/tickets`,
    recording: `${installRoot}packages/agent/demo/recording.jsonl`,
  };
}

/** The file of a recording a job spec names (`replay`); only bundled recordings have names. */
export function bundledRecordingFile(name: BundledRecording, bundle = demoBundle()): string {
  switch (name) {
    case 'demo':
      return bundle.recording;
  }
}
