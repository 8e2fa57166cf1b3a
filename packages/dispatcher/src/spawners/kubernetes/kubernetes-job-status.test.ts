import { describe, expect, it } from 'vitest';
import { kubernetesJobExit } from './kubernetes-job-status.js';

describe('spawners/kubernetes-job-status', () => {
  it('reports an agent Pod evicted for its disk use with the limit to raise', () => {
    const exit = kubernetesJobExit({
      jobId: '0123456789ab',
      job: {
        status: {
          conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }],
        },
      },
      pods: [
        {
          status: {
            phase: 'Failed',
            reason: 'Evicted',
            message: 'Usage of EmptyDir volume "workspace" exceeds the limit "2Gi".',
            containerStatuses: [
              {
                name: 'agent',
                image: 'agentsmith:latest',
                imageID: '',
                ready: false,
                restartCount: 0,
                state: { terminated: { exitCode: 137, reason: 'Error' } },
              },
            ],
          },
        },
      ],
      events: [],
      image: 'agentsmith:latest',
      stopped: false,
    });

    expect(exit).toEqual({
      jobId: '0123456789ab',
      reason: 'exited',
      message:
        'the agent Pod was evicted: Usage of EmptyDir volume "workspace" exceeds the limit "2Gi". — when its workspace, /tmp or logs outgrew their limits, raise AGENT_WORKSPACE_SIZE or AGENT_TMP_SIZE',
    });
  });
});
