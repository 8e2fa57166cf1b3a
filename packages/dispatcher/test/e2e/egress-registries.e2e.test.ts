import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { OutboundEntry } from '@agentsmith/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokerFixture, type BrokerFixture } from '../support/broker-fixture.js';

/**
 * The real package managers of the supported ecosystems fetch from the real public registries
 * through the broker's forward proxy, configured only by the proxy variables a job gets (Maven by
 * the settings.xml docs/configuration.md describes), with the registries of
 * docs/configuration.md in `egress.allow`; a registry missing from the list is refused and
 * reported. Needs the internet (like the ecosystem e2e) and npm, pip, go, cargo and mvn.
 */
const exec = promisify(execFile);

const REGISTRIES = [
  'registry.npmjs.org',
  'pypi.org',
  'proxy.golang.org',
  'sum.golang.org',
  'crates.io',
  'static.crates.io',
  'index.crates.io',
  'repo.maven.apache.org',
];

let fixture: BrokerFixture;
let home: string;
let proxyEnv: Record<string, string>;
let proxy: { host: string; port: string; password: string };
const reported: OutboundEntry[] = [];
/** Every CONNECT target the broker saw: proof that a client went through the proxy. */
const tunnels: string[] = [];

/** The machine's certificate settings (a TLS-inspecting network needs its CA), nothing else. */
const trust = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      /CERT|_CA_|CAINFO|CA_BUNDLE|SSL/.test(entry[0]) && entry[1] !== undefined,
  ),
);

/** Runs a client with only PATH, a fresh HOME, the machine's trust settings and the job's proxy variables. */
async function client(command: string, args: string[], extra: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec(command, args, {
      cwd: home,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: home,
        RUSTUP_HOME: process.env['RUSTUP_HOME'] ?? join(homedir(), '.rustup'),
        ...trust,
        ...proxyEnv,
        ...extra,
      },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout}${stderr}` };
  }
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'agentsmith-egress-clients-'));
  fixture = await startBrokerFixture({
    projects: {
      app: {
        source: { type: 'github', url: 'https://github.com/acme/app.git' },
        tickets: { type: 'github', url: 'https://github.com/acme/app' },
        // files.pythonhosted.org is left out on purpose: pip's download is refused.
        egress: { allow: REGISTRIES },
      },
    },
    credentials: {},
    reportToJob: (entry) => {
      reported.push(entry);
      return Promise.resolve();
    },
  });
  fixture.broker.server.prependListener('connect', (request: { url?: string }) => {
    tunnels.push(request.url ?? '');
  });
  const { env } = await fixture.mint();
  const given = new URL(env['HTTPS_PROXY']!);
  const local = new URL(fixture.broker.url);
  proxy = { host: local.hostname, port: local.port, password: decodeURIComponent(given.password) };
  const url = `http://job:${proxy.password}@${local.host}`;
  // The job's variables, pointed at this test's broker (the job's own name is `broker.invalid`).
  proxyEnv = Object.fromEntries(
    Object.entries(env)
      .filter(([name]) => /^(https?_proxy|no_proxy)$/i.test(name))
      .map(([name, value]) => [name, /proxy$/i.test(name) && !/^no_/i.test(name) ? url : value]),
  );
}, 60_000);

afterAll(async () => {
  await fixture.close();
  await exec('chmod', ['-R', 'u+w', home]).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
});

describe('package managers through the broker proxy (real registries)', () => {
  it('npm reads the npm registry', async () => {
    const result = await client(
      'npm',
      ['view', 'left-pad@1.3.0', 'version', '--cache', join(home, 'npm')],
      { npm_config_update_notifier: 'false' },
    );

    expect(result.output.trim()).toBe('1.3.0');
    expect(tunnels).toContain('registry.npmjs.org:443');
  });

  it('go downloads a module and checks it against the checksum database', async () => {
    const result = await client('go', ['mod', 'download', '-json', 'rsc.io/quote@v1.5.2'], {
      GOPATH: join(home, 'go'),
      GOMODCACHE: join(home, 'go/mod'),
      GOCACHE: join(home, 'go/cache'),
      GOFLAGS: '-modcacherw',
      GOPROXY: 'https://proxy.golang.org',
      GOSUMDB: 'sum.golang.org',
      GOTOOLCHAIN: 'local',
    });

    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain('"Version": "v1.5.2"');
    expect(result.output).toContain('"Zip": ');
    expect(result.output).not.toContain('"Error"');
    expect(tunnels).toContain('proxy.golang.org:443');

    // The same download from a module proxy that is not allowed: go really goes through ours.
    const refused = await client('go', ['mod', 'download', '-json', 'rsc.io/quote@v1.5.1'], {
      GOPATH: join(home, 'go'),
      GOMODCACHE: join(home, 'go/mod'),
      GOCACHE: join(home, 'go/cache'),
      GOFLAGS: '-modcacherw',
      GOPROXY: 'https://goproxy.io',
      GOSUMDB: 'off',
      GOTOOLCHAIN: 'local',
    });
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/403|Forbidden/);
  });

  it('cargo fetches a crate from the sparse index', async () => {
    const project = join(home, 'crate');
    await mkdir(join(project, 'src'), { recursive: true });
    await writeFile(
      join(project, 'Cargo.toml'),
      '[package]\nname = "probe"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nitoa = "=1.0.9"\n',
    );
    await writeFile(join(project, 'src/lib.rs'), '');
    const result = await client(
      'cargo',
      ['fetch', '--manifest-path', join(project, 'Cargo.toml')],
      {
        CARGO_HOME: join(home, 'cargo'),
        CARGO_REGISTRIES_CRATES_IO_PROTOCOL: 'sparse',
      },
    );

    expect(result.ok, result.output).toBe(true);
    expect(tunnels).toContain('index.crates.io:443');
  });

  it('maven resolves an artifact with the proxy in settings.xml', async () => {
    const settings = join(home, 'settings.xml');
    await writeFile(
      settings,
      `<settings><proxies><proxy><id>agentsmith</id><active>true</active><protocol>https</protocol>` +
        `<host>${proxy.host}</host><port>${proxy.port}</port><username>job</username>` +
        `<password>${proxy.password}</password></proxy></proxies></settings>`,
    );
    const result = await client('mvn', [
      '-B',
      '-q',
      '-s',
      settings,
      `-Dmaven.repo.local=${join(home, 'm2')}`,
      'dependency:get',
      '-Dartifact=junit:junit:4.13.2',
      '-Dtransitive=false',
    ]);

    expect(result.ok, result.output.slice(-3000)).toBe(true);
    expect(tunnels).toContain('repo.maven.apache.org:443');
  });

  it('pip reads the index but is refused the files host that is not allowed, which is reported once', async () => {
    const result = await client('pip', [
      'download',
      '--no-deps',
      '--no-cache-dir',
      '--retries',
      '0',
      '-d',
      join(home, 'pip'),
      'six==1.16.0',
    ]);

    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/403/);
    const refusals = reported.flatMap((entry) =>
      entry.type === 'detail' && entry.egressRefused ? [entry.egressRefused.host] : [],
    );
    expect(refusals.filter((host) => host === 'files.pythonhosted.org')).toHaveLength(1);
  });
});
