/** Stack outputs as the stacks write them, for the inventory tests. */
export function sampleOutputs(): Record<string, Record<string, unknown>> {
  return {
    stage: {
      // Deliberately not in name order: the inventory must sort.
      hosts: {
        'docker-host-002': {
          name: 'docker-host-002',
          zone: 'europe-west1-c',
          external_ip: '34.1.2.4',
          internal_ip: '10.132.0.3',
          app_url: 'http://34.1.2.4:9292',
          ssh: 'deploy@34.1.2.4',
          docker_host: 'ssh://deploy@34.1.2.4',
        },
        'docker-host-001': {
          name: 'docker-host-001',
          zone: 'europe-west1-b',
          external_ip: '34.1.2.3',
          internal_ip: '10.132.0.2',
          app_url: 'http://34.1.2.3:9292',
          ssh: 'deploy@34.1.2.3',
          docker_host: 'ssh://deploy@34.1.2.3',
        },
      },
      app_urls: ['http://34.1.2.3:9292', 'http://34.1.2.4:9292'],
      ssh_user: 'deploy',
      app_port: 9292,
      environment: 'stage',
    },
  };
}

export function withStage(patch: (stage: Record<string, unknown>) => void): unknown {
  const all = sampleOutputs();
  patch(all.stage);
  return all;
}
