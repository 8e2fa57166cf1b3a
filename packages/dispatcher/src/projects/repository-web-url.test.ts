import { describe, expect, it } from 'vitest';
import { repositoryWebUrl } from './load-project-catalog.js';

describe('projects/repositoryWebUrl', () => {
  it.each([
    ['https://github.com/org/app.git', 'https://github.com/org/app'],
    ['https://github.com/org/app/', 'https://github.com/org/app'],
    [
      'https://user:secret@gitlab.example.com/group/sub/project.git',
      'https://gitlab.example.com/group/sub/project',
    ],
    ['https://dev.azure.com/acme/Shop/_git/shop', 'https://dev.azure.com/acme/Shop/_git/shop'],
    ['not a url', undefined],
  ])('%s → %s', (clone, web) => {
    expect(repositoryWebUrl(clone)).toBe(web);
  });
});
