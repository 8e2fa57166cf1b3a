// The fake Slack in a process of its own, for the relay benches: sharing the bench's event loop,
// it would stamp a call late whenever the bench's writer was busy (and delay the writer while it
// answered), so the bench would measure itself along with the dispatcher.
import { fork } from 'node:child_process';
import { once } from 'node:events';

/** Starts the fake; `calls()` answers every call it accepted so far (method, channel, text, at). */
export async function startFakeSlackProcess() {
  const child = fork(import.meta.filename, ['--serve'], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [{ apiUrl }] = await once(child, 'message');
  const received = [];
  let asking = Promise.resolve();
  return {
    apiUrl,
    /** Every call accepted so far, in order (fetched incrementally). */
    calls() {
      asking = asking.then(async () => {
        child.send({ type: 'calls', from: received.length });
        const [{ calls }] = await once(child, 'message');
        received.push(...calls);
      });
      return asking.then(() => received);
    },
    async stop() {
      child.send({ type: 'stop' });
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

if (process.argv.includes('--serve')) {
  const { FakeSlackApi } = await import('../../packages/testkit/dist/index.js');
  const slack = await new FakeSlackApi().start();
  process.on('message', async (message) => {
    if (message.type === 'calls') {
      const calls = slack.calls.slice(message.from).map(({ method, args, at }) => ({
        method,
        args: { channel: args.channel, text: args.text },
        at,
      }));
      process.send({ calls });
    } else if (message.type === 'stop') {
      await slack.stop();
      process.disconnect();
    }
  });
  process.send({ apiUrl: slack.apiUrl });
}
