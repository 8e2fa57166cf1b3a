import { describe, expect, it } from 'vitest';
import { githubApiBaseUrl, parseGithubRepositoryUrl } from './github-repository.js';

describe('github-api/github-repository', () => {
  it.each([
    ['https://github.com/org/app.git', { owner: 'org', name: 'app' }],
    ['https://github.com/org/app', { owner: 'org', name: 'app' }],
    ['https://ghe.example.com/team/tool/', { owner: 'team', name: 'tool' }],
  ])('reads owner and name from %s', (url, expected) => {
    expect(parseGithubRepositoryUrl(url)).toEqual(expected);
  });

  it('rejects a URL without owner and repository', () => {
    expect(() => parseGithubRepositoryUrl('https://github.com/org')).toThrow(
      'Not a GitHub repository URL: https://github.com/org',
    );
  });

  it('picks GITHUB_API_URL, then api_url, then github.com or the Enterprise default', () => {
    const url = 'https://github.com/org/app';

    expect(
      githubApiBaseUrl(url, 'https://x/api', { GITHUB_API_URL: 'http://127.0.0.1:1' }),
    ).toEqual('http://127.0.0.1:1');
    expect(githubApiBaseUrl(url, 'https://x/api', {})).toEqual('https://x/api');
    expect(githubApiBaseUrl(url, undefined, {})).toEqual('https://api.github.com');
    expect(githubApiBaseUrl('http://ghe.local:8080/o/r', undefined, {})).toEqual(
      'http://ghe.local:8080/api/v3',
    );
  });
});
