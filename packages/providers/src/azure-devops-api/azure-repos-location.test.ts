import { describe, expect, it } from 'vitest';
import { azureDevOpsOrganizationUrl } from './azure-repos-location.js';

describe('azure-devops-api/azureDevOpsOrganizationUrl', () => {
  it('keeps the configured organisation URL without AZURE_DEVOPS_URL', () => {
    expect(azureDevOpsOrganizationUrl('https://dev.azure.com/acme/', {})).toBe(
      'https://dev.azure.com/acme',
    );
  });

  it('puts the organisation or collection path under AZURE_DEVOPS_URL (the broker in job mode)', () => {
    const env = { AZURE_DEVOPS_URL: 'http://dispatcher:8081/rest/azuredevops/' };
    expect(azureDevOpsOrganizationUrl('https://dev.azure.com/acme', env)).toBe(
      'http://dispatcher:8081/rest/azuredevops/acme',
    );
    expect(azureDevOpsOrganizationUrl('https://tfs.acme.test/tfs/Default%20Collection', env)).toBe(
      'http://dispatcher:8081/rest/azuredevops/tfs/Default%20Collection',
    );
  });
});
