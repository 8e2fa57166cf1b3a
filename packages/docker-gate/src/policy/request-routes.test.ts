import { describe, expect, it } from 'vitest';
import type { GatePolicy } from './gate-policy.js';
import { routeRequest } from './request-routes.js';

const policy: GatePolicy = {
  images: ['agentsmith:latest'],
  network: 'agents',
  archiveDirectories: ['/etc/agentsmith'],
};

function route(method: string, url: string): unknown {
  return routeRequest(method, url, policy);
}

function filtersOf(routed: unknown): unknown {
  const path = (routed as { path: string }).path;
  return JSON.parse(new URL(path, 'http://gate').searchParams.get('filters') ?? 'null');
}

describe('docker-gate/request-routes', () => {
  it('serves the calls the Docker spawner makes', () => {
    expect([
      route('GET', '/_ping'),
      route('GET', '/images/agentsmith:latest/json'),
      route('POST', '/containers/create?name=agentsmith-1&Image=agentsmith%3Alatest'),
      route('POST', '/containers/agentsmith-1/start'),
      route('POST', '/containers/agentsmith-1/stop?t=5'),
      route('POST', '/containers/agentsmith-1/wait?condition=next-exit'),
      route('DELETE', '/containers/agentsmith-1?force=true&v=true'),
      route('GET', '/v1.47/containers/agentsmith-1/json'),
      route('PUT', '/containers/agentsmith-1/archive?path=%2Fetc%2Fagentsmith'),
    ]).toEqual([
      { kind: 'forward', method: 'GET', path: '/_ping' },
      { kind: 'forward', method: 'GET', path: '/images/agentsmith:latest/json' },
      { kind: 'create', name: 'agentsmith-1', prefix: '' },
      { kind: 'container', action: 'start', id: 'agentsmith-1', query: '', prefix: '' },
      { kind: 'container', action: 'stop', id: 'agentsmith-1', query: '?t=5', prefix: '' },
      {
        kind: 'container',
        action: 'wait',
        id: 'agentsmith-1',
        query: '?condition=next-exit',
        prefix: '',
      },
      {
        kind: 'container',
        action: 'remove',
        id: 'agentsmith-1',
        query: '?force=true&v=true',
        prefix: '',
      },
      { kind: 'container', action: 'inspect', id: 'agentsmith-1', query: '', prefix: '/v1.47' },
      {
        kind: 'container',
        action: 'archive',
        id: 'agentsmith-1',
        query: '?path=%2Fetc%2Fagentsmith',
        prefix: '',
      },
    ]);
  });

  it('forces the managed-by label onto lists and events, whatever the caller filtered', () => {
    const list = route(
      'GET',
      `/containers/json?all=true&filters=${encodeURIComponent('{"label":["app=agentsmith"],"network":["agents"]}')}`,
    );
    const unfiltered = route('GET', '/containers/json');
    const events = route(
      'GET',
      `/events?filters=${encodeURIComponent('{"type":{"image":true},"event":["die"]}')}`,
    );

    expect([filtersOf(list), filtersOf(unfiltered), filtersOf(events)]).toEqual([
      { label: ['app=agentsmith', 'managed-by=agentsmith-dispatcher'], network: ['agents'] },
      { label: ['managed-by=agentsmith-dispatcher'] },
      { type: ['container'], event: ['die'], label: ['managed-by=agentsmith-dispatcher'] },
    ]);
  });

  it.each([
    ['GET', '/info', "GET /info is not an Engine API call the dispatcher's Docker spawner makes"],
    [
      'POST',
      '/containers/agentsmith-1/exec',
      "POST /containers/agentsmith-1/exec is not an Engine API call the dispatcher's Docker spawner makes",
    ],
    [
      'POST',
      '/containers/agentsmith-1/kill',
      "POST /containers/agentsmith-1/kill is not an Engine API call the dispatcher's Docker spawner makes",
    ],
    [
      'POST',
      '/images/create?fromImage=alpine',
      "POST /images/create is not an Engine API call the dispatcher's Docker spawner makes",
    ],
    [
      'POST',
      '/build',
      "POST /build is not an Engine API call the dispatcher's Docker spawner makes",
    ],
    [
      'POST',
      '/volumes/create',
      "POST /volumes/create is not an Engine API call the dispatcher's Docker spawner makes",
    ],
    [
      'GET',
      '/networks/agents',
      "GET /networks/agents is not an Engine API call the dispatcher's Docker spawner makes",
    ],
    [
      'GET',
      '/images/alpine:latest/json',
      'image alpine:latest is not an agent image this gate allows',
    ],
    [
      'POST',
      '/containers/create?name=agentsmith-1&platform=linux',
      'create takes no query parameter platform',
    ],
    [
      'PUT',
      '/containers/agentsmith-1/archive?path=%2Fusr%2Fbin',
      'archives may be uploaded only into /etc/agentsmith, not "/usr/bin"',
    ],
    [
      'GET',
      '/v1.23/containers/json',
      'Engine API version v1.23 is older than the gate accepts (v1.40)',
    ],
    ['GET', '/containers/json?filters=not-json', 'filters is not JSON'],
  ])('refuses %s %s', (method, url, reason) => {
    expect(route(method, url)).toEqual({ refused: true, reason });
  });
});
